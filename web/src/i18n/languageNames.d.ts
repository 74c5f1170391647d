// Made by the chorus-language-names plugin (vite.config.ts): code -> the language's name in itself.
declare module 'virtual:chorus-language-names' {
  const names: Readonly<Record<string, string>>;
  export default names;
}
