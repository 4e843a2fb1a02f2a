// While a resident types a proposal's title, list up to five similar proposals below it.
// Without JavaScript the same list is one link away (the "Check for similar proposals first" link).
document.addEventListener("DOMContentLoaded", () => {
  const link = document.querySelector("[data-similar-for]");
  const output = document.getElementById("similar-proposals");
  if (!link || !output) return;
  const title = document.getElementById(link.dataset.similarFor);
  let timer = null;
  let latest = 0;
  title.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(async () => {
      const text = title.value.trim();
      if (text.length < 4) {
        output.replaceChildren();
        return;
      }
      const ask = ++latest;
      const url = `${link.dataset.similarUrl}?fragment=1&title=${encodeURIComponent(text)}`;
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      if (!response.ok || ask !== latest) return;
      // The server renders the list with Jinja's escaping; parse it instead of trusting innerHTML.
      const fragment = new DOMParser().parseFromString(await response.text(), "text/html").body;
      output.replaceChildren(...fragment.childNodes);
    }, 350);
  });
});
