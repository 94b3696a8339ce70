// "Go back" on the error pages: the browser's history when there is one, else the link's own
// address (the home page). A file, not inline: the Content-Security-Policy allows no inline script.
for (const link of document.querySelectorAll("a[data-history-back]")) {
  link.addEventListener("click", (event) => {
    if (window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
}
