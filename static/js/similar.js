// While a resident types a proposal's title, list up to five similar proposals below it.
// Without JavaScript the "Check for similar proposals first" button sends the form, which comes back
// filled as it was with the list; with it, the button shows the same list in place.
document.addEventListener("DOMContentLoaded", () => {
  const trigger = document.querySelector("[data-similar-for]");
  const output = document.getElementById("similar-proposals");
  if (!trigger || !output) return;
  const title = document.getElementById(trigger.dataset.similarFor);
  let timer = null;
  let latest = 0;
  const show = async (always) => {
    const text = title.value.trim();
    if (text.length < 4 && !always) {
      output.replaceChildren();
      return;
    }
    const ask = ++latest;
    const url = `${trigger.dataset.similarUrl}?fragment=1&title=${encodeURIComponent(text)}`;
    const response = await fetch(url, { headers: { Accept: "text/html" } });
    if (!response.ok || ask !== latest) return;
    // The server renders the list with Jinja's escaping; parse it instead of trusting innerHTML.
    const fragment = new DOMParser().parseFromString(await response.text(), "text/html").body;
    output.replaceChildren(...fragment.childNodes);
  };
  title.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => show(false), 350);
  });
  trigger.addEventListener("click", (event) => {
    event.preventDefault();
    show(true);
  });
});
