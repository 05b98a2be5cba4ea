package io.imgtrust.backend.rbd;

import static org.assertj.core.api.Assertions.assertThat;

import com.ceph.rbd.RbdException;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import org.junit.jupiter.api.Test;

class CephErrorsTest {
  @Test
  void of_negativeReturnValue_cephErrorNamingTheErrno() {
    ImageTrustException e = CephErrors.of("cannot create rbd/x", new RbdException("create failed", -110));

    assertThat(e.reason()).isEqualTo(Reason.CEPH_ERROR);
    assertThat(e.reason().kind().exitCode()).isEqualTo(4);
    assertThat(e.details()).containsEntry("errno", "ETIMEDOUT");
    assertThat(e.getMessage()).startsWith("cannot create rbd/x: ETIMEDOUT").contains("create failed");
  }

  @Test
  void of_quota_saysThePoolIsFull() {
    ImageTrustException e = CephErrors.of("cannot write rbd/x", -122, null);

    assertThat(e.details()).containsEntry("errno", "EDQUOT");
    assertThat(e.getMessage()).contains("full or over its quota");
  }

  @Test
  void name_unknownErrno_numbered() {
    assertThat(CephErrors.name(200)).isEqualTo("errno 200");
  }
}
