// The authoring desk, enhanced: each slider shows its value while it moves. The forms
// work without this (the number beside a slider is then its value when the page loaded).
document.querySelectorAll("input[type=range][data-shows]").forEach((slider) => {
  const out = document.getElementById(slider.dataset.shows);
  if (!out) return;
  const show = () => {
    out.textContent = Number(slider.value).toFixed(2);
  };
  slider.addEventListener("input", show);
  show();
});
