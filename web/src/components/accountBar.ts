// The header's account area: who is signed in, their pages and "Sign out";
// or "Sign in". It follows the session.
import type { AppContext } from '../context';
import { el } from '../dom';
import type { MessageKey } from '../i18n';
import { hasRole } from '../session';
import type { SessionInfo } from '../people/types';
import { button } from '../ui/form';

export function accountBar(ctx: AppContext): HTMLElement {
  const element = el('div', { className: 'account-bar' });
  const link = (path: string, text: MessageKey) =>
    el('li', {}, [el('a', { text, attrs: { href: path, 'data-route': '' } })]);

  const render = (state: SessionInfo | null) => {
    if (!state) {
      element.replaceChildren();
      return;
    }
    if (!state.signedIn) {
      element.replaceChildren(el('ul', { className: 'account-links' }, [link('/signin', 'account.signIn')]));
      return;
    }
    const me = state.me;
    const signOut = button('account.signOut', () => {
      void ctx.session.signOut().finally(() => {
        ctx.navigate('/');
        ctx.announce('account.signedOut');
      });
    }, { className: 'button button-small' });
    const links = [link('/me', 'account.me')];
    if (hasRole(me, 'coordinator') || me.memberships.some((m) => m.panelId)) links.push(link('/panels', 'account.panels'));
    if (hasRole(me, 'coordinator')) links.push(link('/outbox', 'account.outbox'));
    const who = el('p', { className: 'account-name', text: 'account.signedInAs', params: { name: me.account.displayName } });
    element.replaceChildren(who, el('ul', { className: 'account-links' }, [...links, el('li', {}, [signOut])]));
  };
  render(ctx.session.current);
  ctx.session.onChange(render);
  return element;
}
