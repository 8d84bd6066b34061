// Passkeys (WebAuthn) on Lanyard's pages. A form marked data-passkey asks the server for the
// ceremony's options (data-options, POST with the form's CSRF token), lets the browser make
// or use the passkey, puts the browser's answer in the form's "credential" field and sends
// the form as usual, so the server answers with its ordinary redirect. No inline script:
// the pages' Content-Security-Policy allows only scripts from the server itself.
(function () {
  'use strict';

  if (!window.PublicKeyCredential || !navigator.credentials) {
    return;
  }

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    var binary = atob(base64 + '==='.slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = '';
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function withIds(descriptors) {
    return (descriptors || []).map(function (descriptor) {
      return Object.assign({}, descriptor, { id: toBytes(descriptor.id) });
    });
  }

  // WebAuthn Level 3 parses the JSON itself; older browsers get the binary fields decoded.
  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      user: Object.assign({}, json.user, { id: toBytes(json.user.id) }),
      excludeCredentials: withIds(json.excludeCredentials)
    });
  }

  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      allowCredentials: withIds(json.allowCredentials)
    });
  }

  function answer(credential) {
    if (credential.toJSON) {
      return credential.toJSON();
    }
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) {
        json.response.userHandle = toBase64url(response.userHandle);
      }
    }
    return json;
  }

  // A refusal the server explains (a wrong current password) is shown as it says.
  function Refusal(problem) {
    this.problem = problem;
  }

  function ceremony(form) {
    var token = form.querySelector('input[name="_csrf"]');
    var headers = token ? { 'X-CSRF-TOKEN': token.value } : {};
    var current = form.querySelector('input[name="current"]');
    var body = null;
    if (current) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ current: current.value }).toString();
    }
    return fetch(form.dataset.options, {
      method: 'POST',
      credentials: 'same-origin',
      headers: headers,
      body: body
    }).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () {
          return {};
        }).then(function (refusal) {
          throw new Refusal(refusal.problem);
        });
      }
      return response.json();
    }).then(function (json) {
      if (form.dataset.passkey === 'register') {
        return navigator.credentials.create({ publicKey: creationOptions(json) });
      }
      return navigator.credentials.get({ publicKey: requestOptions(json) });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('.passkey-unavailable').forEach(function (notice) {
      notice.hidden = true;
    });
    document.querySelectorAll('form[data-passkey]').forEach(function (form) {
      form.hidden = false;
      var busy = false;
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        if (busy) {
          // One ceremony at a time: a second click would ask for options again and
          // make the first answer useless.
          return;
        }
        busy = true;
        var failed = form.querySelector('.passkey-failed');
        if (failed) {
          failed.hidden = true;
        }
        ceremony(form).then(function (credential) {
          form.querySelector('input[name="credential"]').value = JSON.stringify(answer(credential));
          var current = form.querySelector('input[name="current"]');
          if (current) {
            // Confirmed already, with the options: not sent again.
            current.disabled = true;
          }
          form.querySelectorAll('input[data-follows]').forEach(function (field) {
            // A choice made in another form of the page (e.g. "Remember this device").
            var choice = document.getElementById(field.getAttribute('data-follows'));
            field.disabled = !(choice && choice.checked);
          });
          form.submit();
        }).catch(function (error) {
          busy = false;
          if (failed) {
            if (error instanceof Refusal && error.problem) {
              failed.textContent = error.problem;
            }
            failed.hidden = false;
          }
        });
      });
    });
  });
}());
