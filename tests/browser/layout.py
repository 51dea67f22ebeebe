"""Where the controls of a page lie: every visible input, button, select, textarea and link must be
reachable without scrolling sideways, at whatever viewport the test's page has."""

# Each control is scrolled into view vertically (sideways scrolling is what we want to rule out), then its
# box is measured against the viewport; the page itself must not be wider than the viewport either.
_OUTSIDE = """() => {
  const width = window.innerWidth;
  const found = [];
  const controls = document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary");
  for (const el of controls) {
    if (el.closest("details:not([open])") && el.tagName !== "SUMMARY") { continue; }
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || el.getClientRects().length === 0) { continue; }
    el.scrollIntoView({block: "center", inline: "nearest"});
    window.scrollTo(0, window.scrollY);
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) { continue; }
    let container = el.parentElement;  // an element inside a frame scrolled sideways counts where it was
    while (container) { container.scrollLeft = 0; container = container.parentElement; }
    const again = el.getBoundingClientRect();
    if (again.left < -0.5 || again.right > width + 0.5) {
      const name = (el.innerText || el.value || el.name || el.id || el.getAttribute("aria-label") || "").trim();
      found.push(`${el.tagName.toLowerCase()} "${name.slice(0, 40)}" x=${Math.round(again.left)}..${Math.round(again.right)}`);
    }
  }
  const page = document.documentElement.scrollWidth;
  if (page > width) { found.push(`the page is ${page}px wide for a ${width}px viewport`); }
  return found;
}"""

# Controls a finger must hit: buttons, fields, the links styled as buttons, menu entries or a picker's matches, and
# the labels around check boxes and radio buttons (the box alone is smaller than a fingertip).
_SMALL = """(minimum) => {
  const found = [];
  for (const el of document.querySelectorAll("button, .button, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), .mainnav a, .menu-toggle, ul.unit-results li > a, label:has(> input[type=checkbox], > input[type=radio])")) {
    if (el.getClientRects().length === 0 || getComputedStyle(el).visibility === "hidden") { continue; }
    if (el.closest("details:not([open])")) { continue; }
    const h = el.getBoundingClientRect().height;
    if (h > 0 && h < minimum) { found.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.name || el.id).trim().slice(0, 30)}" ${Math.round(h)}px`); }
  }
  return found;
}"""


def controls_outside_viewport(page):
    """Descriptions of the visible controls that stick out of the viewport sideways (empty when none)."""
    return page.evaluate(_OUTSIDE)


def small_touch_targets(page, minimum=44):
    """Descriptions of the visible buttons, fields and menu links lower than `minimum` CSS pixels."""
    return page.evaluate(_SMALL, minimum)


_SIDEWAYS = """() => Array.from(document.querySelectorAll(".table-wrap"))
  .filter(frame => frame.getClientRects().length && frame.scrollWidth > frame.clientWidth + 1)
  .map(frame => { const t = frame.querySelector("table"); return (t && t.id) || frame.getAttribute("aria-label") || "?"; })"""


def tables_scrolling_sideways(page):
    """The ids of the tables whose frame must be scrolled sideways to be read (on a phone: not cards)."""
    return page.evaluate(_SIDEWAYS)
