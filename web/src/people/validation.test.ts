import { describe, expect, it } from 'vitest';
import * as v from './validation';

const today = new Date(Date.UTC(2026, 5, 15)); // 2026-06-15

describe('validation', () => {
  it('email', () => {
    expect(v.email('')).toBe('form.error.emailRequired');
    expect(v.email('  ')).toBe('form.error.emailRequired');
    expect(v.email('lea@example')).toBe('form.error.email');
    expect(v.email('lea example@x.org')).toBe('form.error.email');
    expect(v.email(`${'a'.repeat(250)}@x.org`)).toBe('form.error.email');
    expect(v.email(' lea@example.org ')).toBeNull();
  });

  it('password: at least 10 characters (not bytes), at most 256 bytes', () => {
    expect(v.password('')).toBe('form.error.passwordRequired');
    expect(v.password('short pw')).toBe('form.error.passwordShort');
    expect(v.password('ééééééééé')).toBe('form.error.passwordShort'); // 9 characters, 18 bytes
    expect(v.password('éééééééééé')).toBeNull();
    expect(v.password('é'.repeat(129))).toBe('form.error.passwordLong');
    expect(v.password('purple tiger runs')).toBeNull();
  });

  it('name', () => {
    expect(v.name(' ')).toBe('form.error.nameRequired');
    expect(v.name('x'.repeat(81))).toBe('form.error.nameLong');
    expect(v.name('Léa Martin')).toBeNull();
  });

  it('country: only the countries of the consent-ages table', () => {
    expect(v.country('')).toBe('form.error.countryRequired');
    expect(v.country('XX')).toBe('form.error.country');
    expect(v.country('fr')).toBe('form.error.country');
    expect(v.country('FR')).toBeNull();
  });

  it('parseDay rejects days that do not exist', () => {
    expect(v.parseDay('2013-02-29')).toBeNull();
    expect(v.parseDay('2012-02-29')).not.toBeNull();
    expect(v.parseDay('2013-13-01')).toBeNull();
    expect(v.parseDay('13-01-2013')).toBeNull();
  });

  it('ageOn counts whole years', () => {
    const birth = v.parseDay('2013-06-16') as Date;
    expect(v.ageOn(birth, today)).toBe(12);
    expect(v.ageOn(v.parseDay('2013-06-15') as Date, today)).toBe(13);
  });

  it('birthDate: real, not in the future, plausible', () => {
    expect(v.birthDate('', today)).toBe('form.error.birthDateRequired');
    expect(v.birthDate('2013-02-30', today)).toBe('form.error.birthDate');
    expect(v.birthDate('yesterday', today)).toBe('form.error.birthDate');
    expect(v.birthDate('2026-06-16', today)).toBe('form.error.birthDateFuture');
    expect(v.birthDate('2024-01-01', today)).toBe('form.error.birthDateImplausible');
    expect(v.birthDate('1900-01-01', today)).toBe('form.error.birthDateImplausible');
    expect(v.birthDate('2013-03-01', today)).toBeNull();
    expect(v.birthDate('2001-01-01', today)).toBeNull();
  });

  it('sameAs', () => {
    expect(v.sameAs('abc')('abd')).toBe('form.error.passwordsDiffer');
    expect(v.sameAs('abc')('abc')).toBeNull();
  });
});
