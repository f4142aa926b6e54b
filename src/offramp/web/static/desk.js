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
