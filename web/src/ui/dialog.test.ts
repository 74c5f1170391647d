import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLanguage } from '../i18n';
import { confirmDialog, messageDialog } from './dialog';

let host: HTMLElement;
let opener: HTMLButtonElement;

beforeEach(() => {
  setLanguage('en', { remember: false });
  document.body.replaceChildren();
  host = document.createElement('main');
  opener = document.createElement('button');
  opener.textContent = 'Remove';
  host.append(opener);
  document.body.append(host);
  opener.focus();
});

afterEach(() => document.body.replaceChildren());

const dialog = () => document.querySelector('dialog') as HTMLDialogElement;
const buttonNamed = (name: string) => [...dialog().querySelectorAll('button')].find((b) => b.textContent === name) as HTMLButtonElement;
const escape = () => dialog().dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));

const ask = () => confirmDialog({ heading: 'pledge.removeHeading', text: 'pledge.removeText', params: { n: 2 }, confirm: 'pledge.removeConfirm', host });
const askText = () =>
  messageDialog({ heading: 'pledge.requestChangesHeading', text: 'pledge.requestChangesText', label: 'pledge.requestChangesLabel', empty: 'pledge.requestChangesEmpty', confirm: 'pledge.requestChanges', host });

// What both dialogs share: the shell around their question.
describe.each([
  { name: 'confirmDialog', open: ask, heading: 'Remove item 2?', text: 'The item leaves the pledge for everyone. You can still find it in the history.', no: false, focus: 'BUTTON' },
  { name: 'messageDialog', open: askText, heading: 'Send the pledge back?', text: 'The group can change it again. Say what to change: the group sees it on the pledge.', no: null, focus: 'TEXTAREA' },
])('$name', ({ open, heading, text, no, focus }) => {
  it('is a modal dialog in the host, labelled by its heading and described by its text, with focus in it', () => {
    void open();
    const d = dialog();
    expect(d.parentElement).toBe(host);
    expect(d.open).toBe(true);
    expect(d.querySelector('h2')?.textContent).toBe(heading);
    expect(document.getElementById(d.getAttribute('aria-labelledby') ?? '')).toBe(d.querySelector('h2'));
    expect(document.getElementById(d.getAttribute('aria-describedby') ?? '')?.textContent).toBe(text);
    expect(d.contains(document.activeElement)).toBe(true);
    expect(document.activeElement?.tagName).toBe(focus);
  });

  it('Escape closes it, answers no, and gives focus back to the opener', async () => {
    const answer = open();
    escape();
    expect(await answer).toBe(no);
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('Cancel does the same', async () => {
    const answer = open();
    buttonNamed('Cancel').click();
    expect(await answer).toBe(no);
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('two dialogs open one after the other have their own ids', async () => {
    const first = open();
    const firstLabel = dialog().getAttribute('aria-labelledby');
    buttonNamed('Cancel').click();
    await first;
    void open();
    expect(dialog().getAttribute('aria-labelledby')).not.toBe(firstLabel);
  });
});

describe('confirmDialog', () => {
  it('starts on Cancel, so Enter does not say yes by chance; yes resolves true and gives focus back', async () => {
    const answer = ask();
    expect(document.activeElement?.textContent).toBe('Cancel');
    buttonNamed('Yes, remove it').click();
    expect(await answer).toBe(true);
    expect(document.activeElement).toBe(opener);
  });
});

describe('messageDialog', () => {
  it('labels its text field, says what an empty text needs and stays open, then resolves the text trimmed', async () => {
    const answer = askText();
    const area = dialog().querySelector('textarea') as HTMLTextAreaElement;
    expect(dialog().querySelector(`label[for="${area.id}"]`)?.textContent).toBe('What should the group change?');
    expect(area.maxLength).toBe(1000);
    area.value = '   ';
    buttonNamed('Send back for changes').click();
    const error = dialog().querySelector('[role=alert]');
    expect(error?.textContent).toBe('Write what the group should change.');
    expect(area.getAttribute('aria-invalid')).toBe('true');
    expect(area.getAttribute('aria-describedby')?.split(' ')).toContain(error?.id);
    expect(document.activeElement).toBe(area);
    area.value = '  Say who it is for.  ';
    buttonNamed('Send back for changes').click();
    expect(await answer).toBe('Say who it is for.');
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
