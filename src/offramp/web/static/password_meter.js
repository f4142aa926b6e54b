// offramp: a password strength meter (OWASP ASVS 2.1.8). Progressive enhancement only:
// without script the form works and the desk checks the password when it is sent.
//
// <div data-password-meter data-for=ID data-again=ID data-user=NAME data-desk=NAME
//      data-min=N data-max=N hidden> holds a <meter> and a [data-meter-words] line. As the
// new password is typed it says what the desk's rules (services/password_policy.py,
// NIST SP 800-63B 5.1.1.2) will say of it: too short, too long, among the commonly used
// passwords (the list is the page's <script type="application/json"
// id="common-passwords">), built on the user name, or accepted, and then how strong by
// its length (the rules ask for length, not for kinds of characters), weak if it repeats
// a few characters.
(() => {
  "use strict";
  const box = document.querySelector("[data-password-meter]");
  const listEl = document.getElementById("common-passwords");
  if (!box || !listEl) return;
  const input = document.getElementById(box.dataset.for);
  const again = document.getElementById(box.dataset.again);
  if (!input) return;
  const meter = box.querySelector("meter");
  const words = box.querySelector("[data-meter-words]");
  const min = Number(box.dataset.min);
  const max = Number(box.dataset.max);
  const fold = (text) => text.replace(/\s+/g, " ").toLowerCase();
  const common = new Set(JSON.parse(listEl.textContent).map(fold));
  const names = [box.dataset.user, box.dataset.desk].map(fold).filter((w) => w.length >= 3);
  const length = (text) => [...text].length; // characters, not UTF-16 units

  // [level 0-4, words]: 0 is refused, as the desk would refuse it; 1 accepted but weak
  function verdict(password) {
    const folded = fold(password);
    if (!password) return [0, ""];
    if (length(folded) < min) {
      return [0, `Too short: ${length(folded)} of ${min} characters (spaces in a row count once).`];
    }
    if (length(password) > max) return [0, `Too long: at most ${max} characters.`];
    if (common.has(folded) || common.has(folded.trim())) {
      return [0, "Refused: that is one of the most commonly used passwords."];
    }
    let rest = folded;
    for (const name of names) rest = rest.split(name).join("");
    if (length(rest) < min) {
      return [0, `Refused: it needs ${min} characters besides your user name and the desk's name.`];
    }
    const n = length(folded);
    const kinds = new Set(folded).size;
    if (kinds < 6) {
      const different = `${kinds} different character${kinds === 1 ? "" : "s"}`;
      return [1, `Accepted, but weak: only ${different} in ${n}.`];
    }
    if (n >= 24) return [4, `Strong: ${n} characters.`];
    if (n >= 18) return [3, `Good: ${n} characters; a few more words make it stronger still.`];
    return [2, `Accepted: ${n} characters; longer is stronger (a few words make a good one).`];
  }

  function show() {
    const [level, text] = verdict(input.value);
    meter.value = level;
    box.dataset.level = String(level);
    let said = text;
    if (again && again.value && input.value) {
      said += again.value === input.value ? " The two match." : " The two do not match yet.";
    }
    words.textContent = said;
  }

  box.hidden = false;
  input.addEventListener("input", show);
  if (again) again.addEventListener("input", show);
  show();
})();
