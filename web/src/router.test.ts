import { describe, expect, it } from 'vitest';
import { matchPath, normalisePath, Router, type Page } from './router';

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

describe('page lifecycle', () => {
  it('disposes the page it leaves, once, before the next one renders', () => {
    history.replaceState(null, '', '/a');
    const log: string[] = [];
    const page = (name: string): Page => {
      log.push(`render ${name}`);
      const element = document.createElement('div');
      const heading = document.createElement('h1');
      element.append(heading);
      return { element, heading, dispose: () => log.push(`dispose ${name}`) };
    };
    const outlet = document.createElement('div');
    const router = new Router({
      routes: [
        { path: '/a', titleKey: 'about.title', render: () => page('a') },
        { path: '/b', titleKey: 'about.title', render: () => page('b') },
      ],
      notFound: { titleKey: 'notFound.title', render: () => page('none') },
      outlet,
    });
    router.start();
    router.navigate('/b');
    router.refresh();
    router.stop();
    router.stop();
    expect(log).toEqual(['render a', 'dispose a', 'render b', 'dispose b', 'render b', 'dispose b']);
  });
});
