// Shows the "Print" button on the voting code sheet (it is hidden without JavaScript: use the browser's print).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
