package io.imgtrust.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyTypeTest {

  @ParameterizedTest
  @CsvSource({
    "RSA_PSS,       RSA-PSS,",
    "DSA,           DSA,",
    "ECC_SECP384R1, ECC_SECP384R1, secp384r1",
    "ECC_SECP521R1, ECC_SECP521R1, secp521r1",
    "ECC_SECT409K1, ECC_SECT409K1, sect409k1",
    "ECC_SECT409R1, ECC_SECT409R1, sect409r1",
    "ECC_SECT571K1, ECC_SECT571K1, sect571k1",
    "ECC_SECT571R1, ECC_SECT571R1, sect571r1",
  })
  void glanceNameAndCurve_eachKeyType_matchGlance(KeyType k, String glanceName, String curve) {
    assertThat(k.glanceName()).isEqualTo(glanceName);
    assertThat(KeyType.forGlanceName(glanceName)).contains(k);
    if (curve == null) {
      assertThat(k.curve()).isEmpty();
    } else {
      assertThat(k.curve()).contains(curve);
      assertThat(KeyType.forCurve(curve)).contains(k);
    }
  }

  @Test
  void values_glanceKeyTypes_areExactlyTheEightOfDesign() {
    assertThat(Arrays.stream(KeyType.values()).map(KeyType::glanceName))
        .containsExactlyInAnyOrder("RSA-PSS", "DSA", "ECC_SECP384R1", "ECC_SECP521R1", "ECC_SECT409K1",
            "ECC_SECT409R1", "ECC_SECT571K1", "ECC_SECT571R1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"RSA", "RSA_PSS", "rsa-pss", "ECDSA", "ECC_SECP256R1", "ecc_secp384r1", "", "DSA "})
  void forGlanceName_unknownName_isEmpty(String name) {
    assertThat(KeyType.forGlanceName(name)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"secp256r1", "prime256v1", "SECP384R1", "P-384", "", "RSA-PSS"})
  void forCurve_curveWithoutGlanceType_isEmpty(String curve) {
    assertThat(KeyType.forCurve(curve)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"RSA_PSS", "DSA"})
  void curve_nonEccTypes_isEmpty(KeyType k) {
    assertThat(k.curve()).isEmpty();
  }
}
