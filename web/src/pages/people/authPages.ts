// Signing in, first-run set-up, password reset and accepting an invitation.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setText } from '../../dom';
import { isLang, setLanguage } from '../../i18n';
import { roleKey } from '../../people/consentText';
import type { InvitationInfo, Me } from '../../people/types';
import * as v from '../../people/validation';
import { landingPath, signInPath } from '../../session';
import type { Page, RouteParams } from '../../router';
import { field, form } from '../../ui/form';
import { asyncPage, fill, routeLink, showProblem } from './common';
import { countryField, emailField, languageField, nameField, newPasswordField } from './fields';

function nextParam(): string | null {
  return new URLSearchParams(window.location.search).get('next');
}

/** Signs in with e-mail and password; then goes where the person belongs (or back to ?next=). */
export function signinPage(ctx: AppContext): Page {
  const page = asyncPage('signin.heading', 'signin-page');
  void ctx.session.ready().then((state) => {
    const email = emailField('signin-', { autocomplete: 'username' });
    const password = field(
      { name: 'password', label: 'form.password', type: 'password', autocomplete: 'current-password', check: (x) => (x === '' ? 'form.error.passwordRequired' : null) },
      'signin-',
    );
    const f = form({
      id: 'signin-form',
      fields: [email, password],
      submit: 'signin.submit',
      onSubmit: async () => {
        const { me } = await ctx.api.post<{ me: Me }>('/api/auth/login', { email: email.value.trim(), password: password.value });
        ctx.session.signedIn(me);
        ctx.navigate(signInPath(me, nextParam()));
        ctx.announce('signin.done', { name: me.account.displayName });
      },
    });
    const before: Node[] = [];
    if (state.signedIn) before.push(el('p', { className: 'note', text: 'signin.already', params: { name: state.me.account.displayName } }));
    if (!state.signedIn && state.setupNeeded) before.push(el('p', { className: 'note', text: 'signin.setupNeeded' }));
    fill(page.body, [...before, f.element, el('p', {}, [routeLink('/reset', 'signin.forgot')])]);
  });
  return page;
}

/** First run: creates the Safer Internet Centre and the first coordinator. */
export function setupPage(ctx: AppContext, params: RouteParams): Page {
  const page = asyncPage('setup.heading', 'setup-page');
  const token = params.token ?? '';
  const orgName = field({ name: 'orgName', label: 'setup.orgName', autocomplete: 'organization', check: v.name, attrs: { maxlength: String(v.maxNameLength) } }, 'setup-');
  const country = countryField('setup-');
  const name = nameField('setup-');
  const email = emailField('setup-', { autocomplete: 'username' });
  const password = newPasswordField('setup-');
  const language = languageField('setup-');
  const f = form({
    id: 'setup-form',
    fields: [orgName, country, name, email, password, language],
    submit: 'setup.submit',
    onSubmit: async () => {
      try {
        const { me } = await ctx.api.post<{ me: Me }>('/api/setup', {
          token,
          orgName: orgName.value.trim(),
          country: country.value,
          displayName: name.value.trim(),
          email: email.value.trim(),
          password: password.value,
          language: language.value,
        });
        if (isLang(language.value)) setLanguage(language.value);
        ctx.session.signedIn(me);
        ctx.navigate('/panels');
        ctx.announce('setup.done');
      } catch (error) {
        // A used, expired or forged set-up link: nothing to retry on this page.
        if (isLinkProblem(error)) showProblem(page, error, { link: 'setup.linkHint' });
        else throw error;
      }
    },
  });
  // A link used once (Chorus is set up) says so at once, instead of a form that can only fail.
  void ctx.session.ready().then((state) => {
    if (state.signedIn || !state.setupNeeded) {
      setText(page.heading, 'setup.usedHeading');
      fill(page.body, [el('p', { className: 'lead', text: 'setup.used' }), el('p', {}, [routeLink('/signin', 'signin.link', undefined, 'button button-primary')])]);
      return;
    }
    fill(page.body, [el('p', { className: 'lead', text: 'setup.lead' }), f.element]);
  });
  return page;
}

function isLinkProblem(error: unknown): boolean {
  const kind = (error as { kind?: string } | null)?.kind;
  return kind === 'not_found' || kind === 'gone' || kind === 'forbidden' || (kind === 'conflict');
}

/** "Forgot your password?": asks for a reset link by e-mail. */
export function resetRequestPage(ctx: AppContext): Page {
  const page = asyncPage('reset.heading', 'reset-page');
  const email = emailField('reset-', { autocomplete: 'username' });
  const f = form({
    id: 'reset-form',
    fields: [email],
    submit: 'reset.submit',
    onSubmit: async () => {
      await ctx.api.post('/api/auth/password-reset', { email: email.value.trim() });
      fill(page.body, [el('p', { className: 'lead', text: 'reset.sent' }), el('p', {}, [routeLink('/signin', 'signin.link')])]);
      ctx.announce('reset.sentStatus');
    },
  });
  fill(page.body, [el('p', { className: 'lead', text: 'reset.lead' }), f.element]);
  return page;
}

/** The reset link from the mail: choose a new password. */
export function resetConfirmPage(ctx: AppContext, params: RouteParams): Page {
  const page = asyncPage('resetConfirm.heading', 'reset-confirm-page');
  const password = newPasswordField('reset-');
  const again = field({ name: 'passwordAgain', label: 'form.passwordAgain', type: 'password', autocomplete: 'new-password' }, 'reset-');
  const f = form({
    id: 'reset-confirm-form',
    fields: [password, again],
    submit: 'resetConfirm.submit',
    validate: () => {
      const problem = v.sameAs(password.value)(again.value);
      again.showError(problem);
      if (problem) again.control.focus();
      return problem === null;
    },
    onSubmit: async () => {
      try {
        await ctx.api.post('/api/auth/password-reset/confirm', { token: params.token ?? '', password: password.value });
      } catch (error) {
        if (isLinkProblem(error) || (error as { kind?: string }).kind === 'unauthorized') {
          showProblem(page, error, { link: 'resetConfirm.linkHint', other: 'resetConfirm.linkHint' });
          return;
        }
        throw error;
      }
      ctx.session.ended();
      ctx.navigate('/signin');
      ctx.announce('resetConfirm.done');
    },
  });
  fill(page.body, [f.element]);
  return page;
}

/** An invitation: shows the panel, group and role, and creates the account. */
export function invitePage(ctx: AppContext, params: RouteParams): Page {
  const page = asyncPage('invite.heading', 'invite-page');
  const token = params.token ?? '';
  ctx.api
    .get<InvitationInfo>(apiPath`/api/invitations/by-token/${token}`)
    .then((info) => renderInvite(ctx, page, token, info))
    .catch((error: unknown) => showProblem(page, error, { link: 'invite.linkHint', other: 'invite.linkHint' }));
  return page;
}

function renderInvite(ctx: AppContext, page: ReturnType<typeof asyncPage>, token: string, info: InvitationInfo): void {
  // The invitation was written in its language (so was its mail): the page opens in it too; the switcher still works.
  if (isLang(info.language)) setLanguage(info.language, { remember: false });
  const facts = el('dl', { className: 'facts' }, [
    el('dt', { text: 'invite.panel' }),
    plain('dd', info.panelName),
    ...(info.groupName ? [el('dt', { text: 'invite.group' }), plain('dd', info.groupName)] : []),
    el('dt', { text: 'invite.role' }),
    el('dd', { text: roleKey(info.role) }),
  ]);
  const youth = info.needsBirthDate;
  const name = nameField('invite-', youth ? 'form.nameHintYouth' : 'form.nameHint');
  const password = newPasswordField('invite-');
  const birth = youth
    ? field({ name: 'birthDate', label: 'form.birthDate', type: 'date', autocomplete: 'bday', check: (x) => v.birthDate(x), hint: 'form.birthDateHint' }, 'invite-')
    : null;
  const country = youth ? countryField('invite-', { hint: true }) : null;
  const language = languageField('invite-', isLang(info.language) ? info.language : undefined);
  const fields = [name, password, ...(birth ? [birth] : []), ...(country ? [country] : []), language];
  const f = form({
    id: 'invite-form',
    fields,
    submit: 'invite.submit',
    onSubmit: async () => {
      const body: Record<string, string> = { displayName: name.value.trim(), password: password.value, language: language.value };
      if (birth) body.birthDate = birth.value;
      if (country) body.country = country.value;
      try {
        const { me } = await ctx.api.post<{ me: Me }>(apiPath`/api/invitations/by-token/${token}/accept`, body);
        if (isLang(language.value)) setLanguage(language.value);
        ctx.session.signedIn(me);
        ctx.navigate(landingPath(me));
        ctx.announce('invite.done', { name: me.account.displayName });
      } catch (error) {
        if (isLinkProblem(error) && (error as { kind?: string }).kind !== 'forbidden') showProblem(page, error, { link: 'invite.linkHint' });
        else throw error;
      }
    },
  });
  setText(page.heading, 'invite.heading');
  fill(page.body, [
    el('p', { className: 'lead', text: youth ? 'invite.leadYouth' : 'invite.lead' }),
    facts,
    ...(youth ? [el('p', { text: 'invite.whyBirthDate' })] : []),
    f.element,
  ]);
}
