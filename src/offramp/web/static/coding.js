// The coding page's sliders show their number while they move (the page works without
// this: the number printed beside each slider is the one it was loaded with).
document.querySelectorAll("input[type=range][data-shows]").forEach((slider) => {
  const out = document.getElementById(slider.dataset.shows);
  if (!out) return;
  slider.addEventListener("input", () => {
    out.textContent = Number(slider.value).toFixed(2);
  });
});
