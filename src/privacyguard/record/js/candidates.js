// privacyguard flows check --suggest: every visible control on the page that could hold a setting,
// with the words a flow could find it by. Runs in the page; returns a list of plain objects.
() => {
  const SELECTOR = [
    "input[type=checkbox]", "input[type=radio]", "select",
    "[role=switch]", "[role=checkbox]", "[role=radio]", "[role=radiogroup]", "[role=combobox]",
    "[role=listbox]", "[role=menuitemradio]", "[aria-pressed]", "button[aria-haspopup]",
    "[role=button][aria-haspopup]", "[role=tablist]",
  ].join(",");
  const IMPLICIT = {select: "combobox"};
  const squash = (text) => (text || "").replace(/\s+/g, " ").trim();
  const visible = (element) => {
    if (element.closest("[aria-hidden=true], [inert], template"))
      return false;
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || style.display === "none")
      return false;
    if (box.width > 0 && box.height > 0)
      return true;
    // A native input drawn as a styled switch is often zero-size itself: its label then counts.
    const label = element.labels && element.labels[0];
    return Boolean(label && label.getBoundingClientRect().width > 0);
  };
  const roleOf = (element) => {
    const explicit = element.getAttribute("role");
    if (explicit) return explicit.split(/\s+/)[0];
    if (element.localName === "input") return element.type === "radio" ? "radio" : "checkbox";
    if (element.localName === "button") return "button";
    return IMPLICIT[element.localName] || element.localName;
  };
  const byIds = (ids) => squash(ids.split(/\s+/).map((id) => {
    const found = document.getElementById(id);
    return found ? found.textContent : "";
  }).join(" "));
  const nameOf = (element) => {
    if (element.getAttribute("aria-labelledby")) {
      const text = byIds(element.getAttribute("aria-labelledby"));
      if (text) return text;
    }
    if (element.getAttribute("aria-label")) return squash(element.getAttribute("aria-label"));
    if (element.labels && element.labels.length) return squash([...element.labels].map((l) => l.textContent).join(" "));
    if (element.localName === "select") return "";
    return squash(element.getAttribute("title") || element.textContent);
  };
  const labelOf = (element) => element.labels && element.labels.length
    ? squash([...element.labels].map((l) => l.textContent).join(" ")) : "";
  // The question near the control: the text of the smallest ancestor that holds more than the control.
  const questionOf = (element) => {
    const own = squash(element.textContent);
    for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      const text = squash(node.innerText || node.textContent);
      if (text.length > own.length + 3)
        return text.length <= 400 ? text : text.slice(0, 400);
    }
    return "";
  };
  const cssEscape = (value) => (window.CSS && CSS.escape) ? CSS.escape(value) : value.replace(/[^\w-]/g, "\\$&");
  const unique = (selector) => {
    try { return document.querySelectorAll(selector).length === 1; } catch (e) { return false; }
  };
  // A stable CSS anchor for the control, if it has one: an id, a form field name, an aria key, a test id.
  const anchorOf = (element) => {
    const tag = element.localName;
    const tries = [];
    if (element.id && !/\d{4,}/.test(element.id)) tries.push(`${tag}#${cssEscape(element.id)}`);
    for (const attribute of ["name", "aria-labelledby", "data-testid", "data-test-id", "data-key", "data-setting"]) {
      const value = element.getAttribute(attribute);
      if (value && !/\d{4,}/.test(value)) tries.push(`${tag}[${attribute}="${value.replace(/"/g, '\\"')}"]`);
    }
    const role = element.getAttribute("role");
    return tries.map((css) => role ? css.replace(/^([a-z-]+)/, `$1[role=${role}]`) : css).find(unique)
      || tries.find(unique) || null;
  };
  const stateOf = (element) => {
    if (element.localName === "select") return squash(element.selectedOptions[0] ? element.selectedOptions[0].textContent : "");
    if (element.hasAttribute("aria-checked")) return element.getAttribute("aria-checked");
    if (element.hasAttribute("aria-pressed")) return "pressed=" + element.getAttribute("aria-pressed");
    if ("checked" in element) return String(element.checked);
    return squash(element.textContent).slice(0, 80);
  };
  const out = [];
  for (const element of document.querySelectorAll(SELECTOR)) {
    if (!visible(element) || element.closest("[role=radiogroup]") !== null && roleOf(element) === "radio"
        && element.closest("[role=radiogroup]") !== element)
      continue;
    out.push({
      role: roleOf(element),
      tag: element.localName,
      name: nameOf(element),
      label: labelOf(element),
      question: questionOf(element),
      css: anchorOf(element),
      state: stateOf(element),
    });
  }
  return out;
}
