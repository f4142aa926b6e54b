// Security keys (WebAuthn): a form with data-webauthn="create" or "get" and the
// server's options (JSON, base64url for binary) in data-options. Submitting it asks
// the browser's navigator.credentials, puts the key's answer (JSON, base64url) in the
// form's "credential" field and sends the form; a refusal is shown in words.
(function () {
  "use strict";

  function bytes(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(b64 + "===".slice((b64.length + 3) % 4));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }

  function text(buffer) {
    var view = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < view.length; i++) raw += String.fromCharCode(view[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      return { type: d.type, id: bytes(d.id), transports: d.transports };
    });
  }

  function publicKey(kind, options) {
    options.challenge = bytes(options.challenge);
    if (kind === "create") {
      options.user.id = bytes(options.user.id);
      options.excludeCredentials = descriptors(options.excludeCredentials);
    } else {
      options.allowCredentials = descriptors(options.allowCredentials);
    }
    return options;
  }

  function answer(kind, cred) {
    var r = cred.response;
    var response = { clientDataJSON: text(r.clientDataJSON) };
    if (kind === "create") {
      response.attestationObject = text(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = text(r.authenticatorData);
      response.signature = text(r.signature);
      if (r.userHandle) response.userHandle = text(r.userHandle);
    }
    return JSON.stringify({
      id: cred.id,
      rawId: text(cred.rawId),
      type: cred.type,
      response: response,
      clientExtensionResults: cred.getClientExtensionResults(),
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
    });
  }

  function refusal(err) {
    if (!window.PublicKeyCredential) {
      return "This browser cannot use security keys here (they need a recent browser, and the desk opened by its host name, over https or at localhost).";
    }
    if (err && err.name === "NotAllowedError") {
      return "The key was not used: the browser's request was cancelled or timed out. Press the button to try again.";
    }
    if (err && err.name === "InvalidStateError") {
      return "This key is already added to your account.";
    }
    return "The browser could not use the key" + (err && err.message ? " (" + err.message + ")" : "") + ". Press the button to try again.";
  }

  function wire(form) {
    var kind = form.getAttribute("data-webauthn");
    var field = form.querySelector("input[name=credential]");
    var shown = document.querySelector("[data-webauthn-error]");
    form.addEventListener("submit", function (event) {
      if (field.value) return; // the answer is in: send it
      event.preventDefault();
      if (shown) shown.hidden = true;
      var ask = navigator.credentials && window.PublicKeyCredential
        ? navigator.credentials[kind]({ publicKey: publicKey(kind, JSON.parse(form.getAttribute("data-options"))) })
        : Promise.reject(new Error("no WebAuthn"));
      ask.then(function (cred) {
        field.value = answer(kind, cred);
        form.submit();
      }).catch(function (err) {
        if (shown) {
          shown.textContent = refusal(err);
          shown.hidden = false;
        }
      });
    });
  }

  document.querySelectorAll("form[data-webauthn]").forEach(wire);
})();
