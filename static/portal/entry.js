// Entry pages. No inline scripts anywhere (Content-Security-Policy): behaviour is bound here.
(() => {
  const disableButtons = (form) => {
    for (const button of form.querySelectorAll("button")) button.disabled = true;
  };
  const enableButtons = () => {
    for (const button of document.querySelectorAll("form[data-submit-once] button")) button.disabled = false;
  };

  document.addEventListener("DOMContentLoaded", () => {
    // A slow connection at the counter must not save a record twice: a form submits once.
    // Disabled after the browser has read the clicked button's name and value.
    for (const form of document.querySelectorAll("form[data-submit-once]")) {
      form.addEventListener("submit", () => setTimeout(() => disableButtons(form), 0));
    }
    // Say at once that a photo is too large, before minutes of uploading on a phone.
    for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
      input.addEventListener("change", () => {
        const limit = Number(input.dataset.maxBytes);
        const tooLarge = Array.from(input.files).some((file) => file.size > limit);
        input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
        input.reportValidity();
      });
    }
  });
  // Coming back with the browser's back button shows the page as it was left: usable again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) enableButtons();
  });
  // The tally: a short vibration confirms that a tap was saved.
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful && event.target.closest(".tally-form") && navigator.vibrate) navigator.vibrate(15);
  });
})();
