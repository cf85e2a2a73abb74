"""What a page hides by its layout: sideways scrolling and elements cut off at the edge.

An element is cut off when its right edge lies beyond the visible right edge of
an ancestor that clips (``overflow`` other than ``visible``) or of the
viewport. Where a table may scroll sideways on purpose (a phone), an ancestor
that does scroll is allowed to hide what lies beyond its edge; on a desk
nothing may. A list box whose chosen option is wider than the room inside it
is cut off too: it shows the option cut short. Only the outermost cut-off
element is named: its contents are cut off with it.
"""

from __future__ import annotations

from playwright.sync_api import Page

_CUT_OFF = """
(scrollingAllowed) => {
  const viewport = document.documentElement.clientWidth;
  const name = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = [...el.classList].slice(0, 3).map((c) => '.' + c).join('');
    return el.tagName.toLowerCase() + id + cls;
  };
  const scrolls = (el, style) =>
    ['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth;
  const cutBy = (el) => {
    const right = el.getBoundingClientRect().right;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX === 'visible') continue;
      const edge = a.getBoundingClientRect().left + a.clientLeft + a.clientWidth;
      if (right <= edge + 1) continue;
      // What a table scrolls to on a phone is not cut off; the table's box itself is checked.
      return scrollingAllowed && scrolls(a, style) ? null : [name(a), right - edge];
    }
    return right > viewport + 1 ? ['the viewport', right - viewport] : null;
  };
  // A list box whose chosen option does not fit shows it cut short ("verantwoorde").
  const canvas = document.createElement('canvas').getContext('2d');
  const cutText = (el) => {
    if (el.tagName !== 'SELECT' || el.multiple || el.size > 1 || el.selectedIndex < 0) return null;
    const style = getComputedStyle(el);
    canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = canvas.measureText(el.options[el.selectedIndex].text.trim()).width;
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return text > room + 1 ? ['its own box (the chosen option)', text - room] : null;
  };
  const found = [];
  const cut = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;  // hidden, or visually hidden
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    const by = cutBy(el) || cutText(el);
    if (!by) continue;
    cut.add(el);
    if (el.parentElement && cut.has(el.parentElement)) continue;
    const shown = el.tagName === 'SELECT' ? el.options[el.selectedIndex]?.text : el.innerText;
    const text = (shown || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    found.push(`${name(el)} "${text}" ends ${Math.round(by[1])} px beyond ${by[0]}`);
  }
  return found;
}
"""


def resize(page: Page, width: int, height: int = 900) -> None:
    """Give the viewport a new size and wait until the page has followed it: what resizes
    by script (a chart) does so in the next animation frames."""
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def sideways_scroll(page: Page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits its viewport)."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def cut_off(page: Page, *, scrolling_allowed: bool = False) -> list[str]:
    """The elements of the page as it is now whose right edge is hidden, described."""
    return list(page.evaluate(_CUT_OFF, scrolling_allowed))


def layout_problems(page: Page, *, scrolling_allowed: bool = False) -> list[str]:
    """Sideways scrolling of the page and cut-off elements, one line each."""
    found = [f"cut off: {item}" for item in cut_off(page, scrolling_allowed=scrolling_allowed)]
    wide = sideways_scroll(page)
    if wide > 0:
        found.insert(0, f"scrolls sideways by {wide} px")
    return found
