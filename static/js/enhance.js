// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to a form's error summary so screen-reader users hear what went wrong first.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  // Ask before destructive actions; the server still requires the form's confirmation field.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
});
