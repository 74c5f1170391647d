import { describe, expect, it } from 'vitest';
import { matchPath, normalisePath } from './router';

describe('matchPath', () => {
  it('matches fixed paths and :params', () => {
    expect(matchPath('/about', '/about')).toEqual({});
    expect(matchPath('/about', '/about/')).toEqual({});
    expect(matchPath('/panels/:id', '/panels/p%201')).toEqual({ id: 'p 1' });
    expect(matchPath('/guardian/manage/:token', '/guardian/manage/abc?x=1')).toEqual({ token: 'abc' });
    expect(matchPath('/guardian/:token', '/guardian/manage/abc')).toBeNull();
    expect(matchPath('/panels/:id', '/panels/')).toBeNull();
    expect(matchPath('/panels/:id', '/panels/%E0%A4%A')).toBeNull();
  });

  it('normalisePath keeps the query', () => {
    expect(normalisePath('/signin/?next=/me')).toBe('/signin?next=/me');
    expect(normalisePath('/')).toBe('/');
  });
});
