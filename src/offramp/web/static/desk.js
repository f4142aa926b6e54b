// Small progressive enhancement: the pages work without it.
// A form marked data-autosubmit submits when a date control changes; the slider
// shows the date it points at while it moves.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
  const slider = form.querySelector("input[type=range][data-dates]");
  const out = form.querySelector("[data-out]");
  if (slider && out) {
    const dates = slider.dataset.dates.split(",");
    slider.addEventListener("input", () => {
      out.textContent = dates[Number(slider.value)] || "";
      slider.setAttribute("aria-valuetext", out.textContent);
    });
  }
  form.querySelectorAll("select, input[type=range]").forEach((el) => {
    el.addEventListener("change", () => form.requestSubmit());
  });
});

// Each shuttle channel opens at its newest message.
document.querySelectorAll("ol.messages").forEach((list) => {
  list.scrollTop = list.scrollHeight;
});

// In a compose box, Enter sends and Shift+Enter starts a new line.
document.querySelectorAll("textarea[data-enter-sends]").forEach((box) => {
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      box.form.requestSubmit();
    }
  });
});

// A table becomes stacked rows on a narrow screen: each cell is labelled with its
// column's heading (the stylesheet shows the label before the cell).
function stackTables(root) {
  root.querySelectorAll("table").forEach((table) => {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    if (!heads.length) return;
    table.classList.add("stacks");
    table.querySelectorAll("tbody tr").forEach((row) => {
      [...row.children].forEach((cell, k) => {
        if (heads[k] && !cell.dataset.label) cell.dataset.label = heads[k];
      });
    });
  });
}
stackTables(document);
// live.js swaps a region of the page for a fresh copy: stack the tables it brings
document.addEventListener("offramp:live-swap", (event) => stackTables(event.detail.region));

// Intake review's Discard: see intake.js.

// Every password field gets a Show / Hide button (OWASP ASVS 2.1.12): the typed
// password can be read back before it is sent. Without script the field stays masked.
document.querySelectorAll("input[type=password]").forEach((field) => {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary reveal";
  button.textContent = "Show password";
  button.setAttribute("aria-controls", field.id);
  button.setAttribute("aria-pressed", "false");
  button.addEventListener("click", () => {
    const shown = field.type === "password";
    field.type = shown ? "text" : "password";
    button.textContent = shown ? "Hide password" : "Show password";
    button.setAttribute("aria-pressed", String(shown));
    field.focus();
  });
  field.form?.addEventListener("submit", () => {
    field.type = "password";
  });
  field.insertAdjacentElement("afterend", button);
});
