// What a control shows, as raw strings for privacyguard.collect.read to map to canonical values.
// Shared by the one-evaluation page query and the Playwright-locator path, so both read alike.
// The element decides how it is read (a redesign may turn a switch into a select); the flow's
// `control` only says how to read an element that does not say what it is (its text).
function optionText(option) {
  if (option.labels && option.labels.length)
    return option.labels[0].innerText;
  return option.getAttribute("aria-label") || option.innerText || option.textContent || "";
}

function optionPair(option) {
  return [option.getAttribute("value") || option.getAttribute("data-value") || "", optionText(option)];
}

function pickedIn(el) {
  const roleOf = (node) => (node.getAttribute("role") || "").toLowerCase();
  const candidates = [...el.querySelectorAll(
    "[role=radio], input[type=radio], [role=option], [role=menuitemradio], [aria-pressed]")];
  if (!candidates.length)
    return null;
  return candidates.filter((option) => {
    const role = roleOf(option);
    if (role === "option")
      return option.getAttribute("aria-selected") === "true";
    if (option.hasAttribute("aria-pressed") && role !== "radio")
      return option.getAttribute("aria-pressed") === "true";
    if (option instanceof HTMLInputElement && !role)
      return option.checked;
    return option.getAttribute("aria-checked") === "true";
  }).map(optionPair);
}

function controlState(el, control) {
  const role = (el.getAttribute("role") || "").toLowerCase();
  const checkable = el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio");
  if (checkable || ["switch", "checkbox", "menuitemcheckbox"].includes(role)) {
    const aria = el.getAttribute("aria-checked");
    const native = checkable ? String(el.checked) : null;
    return { kind: "toggle", aria, native };
  }
  if (el.hasAttribute("aria-pressed") && !el.hasAttribute("aria-haspopup"))
    return { kind: "toggle", aria: el.getAttribute("aria-pressed"), native: null };
  if (el instanceof HTMLSelectElement)
    return { kind: "radio", picked: [...el.selectedOptions].map((o) => [o.value, o.text]) };
  if (el instanceof HTMLInputElement && role === "combobox")
    return { kind: "text", text: el.value };
  if (role === "combobox" || (el.hasAttribute("aria-haspopup") && el.getAttribute("aria-haspopup") !== "false"))
    return { kind: "text", text: el.innerText };  // shows its value; its options are not open
  const picked = pickedIn(el);
  if (picked !== null && (control !== "text" || picked.length))
    return { kind: "radio", picked };
  if (control === "toggle" || control === "checkbox")
    return { kind: "toggle", aria: el.getAttribute("aria-checked"), native: null };
  return { kind: "text", text: el.innerText };
}
