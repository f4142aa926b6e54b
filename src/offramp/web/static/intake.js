// Intake review: Discard records the discarded proposal (the form posts it to the
// Discard button's formaction) and drops it from the list, without leaving the page;
// without this script the form posts and the intake page says it was recorded.
document.querySelectorAll("form[data-form=review]").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    const button = event.submitter;
    if (!button || !button.hasAttribute("data-discard")) return;
    event.preventDefault();
    button.disabled = true;
    const status = document.querySelector("[data-discard-status]");
    const body = new FormData(form);
    const res = await fetch(button.formAction, { method: "POST", body, credentials: "same-origin" });
    if (res.ok) {
      form.closest("tr")?.remove();
      if (status) status.textContent = "Proposal discarded and recorded as discarded.";
    } else {
      button.disabled = false;
      if (status) status.textContent = "The proposal could not be discarded; try again.";
    }
  });
});
