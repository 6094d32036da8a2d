// What a control shows, as raw strings for privacyguard.collect.read to map to canonical values.
// Shared by the one-evaluation page query and the Playwright-locator path, so both read alike.
function controlState(el, control) {
  if (control === "toggle" || control === "checkbox") {
    const aria = el.getAttribute("aria-checked");
    const native = (el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio"))
      ? String(el.checked) : null;
    return { kind: "toggle", aria, native };
  }
  if (control === "radio") {
    const picked = [...el.querySelectorAll("[role=radio][aria-checked=true], input[type=radio]")]
      .filter((option) => option.getAttribute("role") === "radio" ? true : option.checked);
    return {
      kind: "radio",
      picked: picked.map((option) => {
        const labelText = option.labels && option.labels.length ? option.labels[0].innerText
          : (option.getAttribute("aria-label") || option.innerText || "");
        return [option.getAttribute("value") || option.getAttribute("data-value") || "", labelText];
      }),
    };
  }
  return { kind: "text", text: el.innerText };
}
