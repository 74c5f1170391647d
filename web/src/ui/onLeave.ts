// Pages that hold live connections must close them when the router replaces
// them: this calls back once the page's element has left the document.

/** Calls leave once element, after being shown, is no longer in the document. */
export function onLeave(element: HTMLElement, leave: () => void): void {
  const watch = new MutationObserver(() => {
    if (!element.isConnected) {
      watch.disconnect();
      leave();
    }
  });
  // The router inserts the page after render returns: start watching then.
  queueMicrotask(() => watch.observe(element.ownerDocument.body, { childList: true, subtree: true }));
}
