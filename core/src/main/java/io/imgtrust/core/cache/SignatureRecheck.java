package io.imgtrust.core.cache;

import com.google.common.io.BaseEncoding;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.digest.ImageDigester;
import io.imgtrust.core.ledger.LedgerRecord;
import io.imgtrust.core.metadata.HashAlgorithm;
import io.imgtrust.core.metadata.KeyType;
import io.imgtrust.core.metadata.SignatureProperties;
import io.imgtrust.core.signature.SignatureVerifier;
import io.imgtrust.core.trust.TrustedSigner;
import io.imgtrust.core.verify.ImageVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * {@code recheck_signature = true}: where the cache file is the original signed bytes (not converted), a recheck
 * also verifies the publisher's signature again, over a fresh digest of the file, with the signing certificate
 * validated now (expiry included). This needs no trust in the host key: the signature and certificate id come from
 * the record, but a forged record cannot make a wrong file verify.
 */
final class SignatureRecheck {
  private SignatureRecheck() {}

  /** Whether {@code r} can have its signature rechecked: signed, and not converted at fill. */
  static boolean applies(LedgerRecord r) {
    return r.conversion().isEmpty() && r.fill().containsKey("signature");
  }

  static void verify(Path file, LedgerRecord r, ImageVerifier.TrustSource trust) throws ImageTrustException {
    Map<String, String> f = r.fill();
    HashAlgorithm hash = HashAlgorithm.forSignature(f.get("signature_hash_method")).orElseThrow(() ->
        ImageTrustException.of(Reason.RECORD_INVALID, "record of " + r.imageId() + " has no usable hash method"));
    KeyType type = KeyType.forGlanceName(f.get("signature_key_type")).orElseThrow(() ->
        ImageTrustException.of(Reason.RECORD_INVALID, "record of " + r.imageId() + " has no usable key type"));
    SignatureProperties sig = SignatureProperties.create(BaseEncoding.base64().decode(f.get("signature")), hash, type,
        f.get("certificate_id"));
    TrustedSigner signer = trust.load().signer(sig.certificateId(), Instant.now());
    try {
      var d = ImageDigester.create().digest(file, DigestPlan.of(Set.of(hash)));
      SignatureVerifier.verify(sig, d.whole(hash).orElseThrow(), signer);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot read " + file + ": " + IoErrors.describe(e), e);
    }
  }
}
