package io.imgtrust.core.signature;

import io.imgtrust.core.metadata.HashAlgorithm;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA224Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.params.RSAKeyParameters;

/** Shared parameters of Glance's signature schemes. */
final class Algorithms {
  private Algorithms() {}

  /**
   * A Bouncy Castle digest of {@code hash}. Only the PSS encoding uses it (for MGF1 and the final hash over
   * the short encoded block); the image itself is always hashed with the JDK.
   */
  static Digest bcDigest(HashAlgorithm hash) {
    switch (hash) {
      case SHA224:
        return new SHA224Digest();
      case SHA256:
        return new SHA256Digest();
      case SHA384:
        return new SHA384Digest();
      case SHA512:
        return new SHA512Digest();
      default:
        throw new IllegalArgumentException("not a signature hash: " + hash);
    }
  }

  /**
   * The PSS salt length cursive uses, {@code PSS.MAX_LENGTH}: ceil((modBits - 1) / 8) - hLen - 2.
   */
  static int maxPssSalt(RSAKeyParameters key, HashAlgorithm hash) {
    int emLen = (key.getModulus().bitLength() - 1 + 7) / 8;
    return emLen - hash.length() - 2;
  }
}
