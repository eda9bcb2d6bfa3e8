"""What one action did to one backorder, for toasts and bulk summaries."""

from __future__ import annotations

from dataclasses import dataclass

from botui.domain.text import safe_for_terminal


@dataclass(frozen=True)
class Outcome:
    """The result of one action on one backorder: done, or refused and why."""

    backorder: str
    ok: bool
    message: str


NAMED = 5  # successes named in a summary; the rest are counted


def summary(action: str, outcomes: list[Outcome]) -> str:
    """One toast text: how many succeeded and which, then each refusal with its reason.

    Messages may quote stored text (a name, a reason): shown as `safe_for_terminal` makes it.
    """
    return safe_for_terminal(_summary(action, outcomes))


def _summary(action: str, outcomes: list[Outcome]) -> str:
    done = [o for o in outcomes if o.ok]
    refused = [o for o in outcomes if not o.ok]
    if len(outcomes) == 1:
        return outcomes[0].message
    lines = [f"{action}: {len(done)} of {len(outcomes)} done"]
    if done:
        names = ", ".join(o.backorder for o in done[:NAMED])
        more = f" and {len(done) - NAMED} more" if len(done) > NAMED else ""
        lines[0] += f": {names}{more}"
    lines += [_named(o) for o in refused[:8]]
    if len(refused) > 8:
        lines.append(f"... and {len(refused) - 8} more refused")
    return "\n".join(lines)


def _named(outcome: Outcome) -> str:
    """A refusal's line, led by its backorder's id once: "BO-2: BO-2 is ..." reads "BO-2 is ..."."""
    rest = outcome.message.removeprefix(outcome.backorder)
    if rest != outcome.message and not rest[:1].isalnum() and rest[:1] not in "_.-":
        return outcome.message
    return f"{outcome.backorder}: {outcome.message}"
