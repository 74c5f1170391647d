// Which panels the moderation pages offer: a moderator's own panels (from
// their memberships), and for a coordinator every panel of their
// organisation (GET /api/panels). The server decides again on every call.
import type { AppContext } from '../../context';
import { moderatedPanels, type PanelRef } from '../../moderation/queue';
import type { Me, Panel } from '../../people/types';
import type { Option } from '../../ui/form';
import { hasRole } from '../../session';

export interface PanelChoice {
  panels: PanelRef[];
  /**
   * Whether "all my panels" works: the server covers, without a panelId,
   * the panels the person is a member of. A coordinator who only holds the
   * centre's membership must name a panel.
   */
  all: boolean;
}

export async function panelsToModerate(ctx: AppContext, me: Me): Promise<PanelChoice> {
  const own = moderatedPanels(me);
  if (!hasRole(me, 'coordinator')) return { panels: own, all: true };
  try {
    const { panels } = await ctx.api.get<{ panels: Panel[] | null }>('/api/panels');
    const out = [...own];
    for (const p of panels ?? []) if (!out.some((o) => o.id === p.id)) out.push({ id: p.id, name: p.name });
    return { panels: out, all: own.length > 0 };
  } catch {
    return { panels: own, all: true }; // the list is a convenience: the queue itself still answers
  }
}

/** The options of a panel select: "all my panels" when that works, then each panel. */
export function panelOptions(choice: PanelChoice): Option[] {
  return [...(choice.all ? [{ value: '', label: 'queue.anyPanel' as const }] : []), ...choice.panels.map((p) => ({ value: p.id, text: p.name }))];
}

/** The panel a search starts with: the one asked for, else all (when that works) or the first. */
export function startPanel(choice: PanelChoice, asked: string | undefined): string {
  if (asked) return asked;
  return choice.all ? '' : (choice.panels[0]?.id ?? '');
}

/** Whether me may open the moderation pages at all. */
export function mayModerate(me: Me): boolean {
  return hasRole(me, 'moderator', 'coordinator');
}
