// Passkeys (#20 §2): the browser's half of a WebAuthn ceremony, loaded by the handler that needs it
// (state/passkeys.py, `import("/passkeys.js")`). The server sends its options as JSON text; this runs
// navigator.credentials and answers {credential} (the credential as JSON) or {error} (the
// DOMException's name), which the state handler turns into words. Every check is the server's.

const toBytes = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const toText = (buffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const ids = (list) => (list || []).map((item) => ({ ...item, id: toBytes(item.id) }));

// Older browsers lack PublicKeyCredential.parse*FromJSON and credential.toJSON: do their work here.
function creationOptions(o) {
  if (PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(o);
  return { ...o, challenge: toBytes(o.challenge), user: { ...o.user, id: toBytes(o.user.id) }, excludeCredentials: ids(o.excludeCredentials) };
}

function requestOptions(o) {
  if (PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(o);
  return { ...o, challenge: toBytes(o.challenge), allowCredentials: ids(o.allowCredentials) };
}

function asJSON(credential) {
  if (credential.toJSON) return credential.toJSON();
  const r = credential.response;
  const response = { clientDataJSON: toText(r.clientDataJSON) };
  if (r.attestationObject) Object.assign(response, { attestationObject: toText(r.attestationObject), transports: r.getTransports?.() || [] });
  if (r.signature) Object.assign(response, { authenticatorData: toText(r.authenticatorData), signature: toText(r.signature), userHandle: r.userHandle ? toText(r.userHandle) : null });
  const { id, type, authenticatorAttachment } = credential;
  return { id, rawId: toText(credential.rawId), type, response, authenticatorAttachment, clientExtensionResults: {} };
}

async function ceremony(run) {
  if (!window.PublicKeyCredential) return { error: "NotSupportedError" };
  try {
    return { credential: asJSON(await run()) };
  } catch (error) {
    return { error: error?.name || "UnknownError" };
  }
}

export const register = (optionsJSON) =>
  ceremony(() => navigator.credentials.create({ publicKey: creationOptions(JSON.parse(optionsJSON)) }));

export const signIn = (optionsJSON) =>
  ceremony(() => navigator.credentials.get({ publicKey: requestOptions(JSON.parse(optionsJSON)) }));
