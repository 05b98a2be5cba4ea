package io.imgtrust.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackendsTest {
  @TempDir Path root;

  @Test
  void providers_calledTwice_serviceLoaderConsultedOnce() throws Exception {
    ClassLoader loader = getClass().getClassLoader();

    assertThat(Backends.providers(loader)).isSameAs(Backends.providers(loader));
    assertThat(Backends.providers()).isSameAs(Backends.providers(loader)).containsKey("test-copy");
  }

  @Test
  void create_twice_newBackendEachTime() throws Exception {
    CacheFixture fx = CacheFixture.create(root, "");
    BackendContext ctx = BackendContext.of(fx.conf, fx.cache);

    try (ImageBackend a = Backends.create(ctx, "test-copy"); ImageBackend b = Backends.create(ctx, "test-copy")) {
      assertThat(a).isNotSameAs(b);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"qcow3", "vmdk", "lvm"})
  void create_typeNotInstalled_badConfigNamingOptionAndInstalledTypes(String type) throws Exception {
    CacheFixture fx = CacheFixture.create(root, "");

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> Backends.create(BackendContext.of(fx.conf, fx.cache), type));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.details()).containsEntry("section", "libvirt").containsEntry("option", "images_type")
        .containsEntry("file", fx.config.toString());
    assertThat(e.getMessage()).contains(type).contains("installed: test-copy");
  }

  @Test
  void canonicalType_novaAliases_mapped() {
    assertThat(Backends.canonicalType("default")).isEqualTo("qcow2");
    assertThat(Backends.canonicalType("raw")).isEqualTo("flat");
    assertThat(Backends.canonicalType("ploop")).isEqualTo("ploop");
  }

  @Test
  void close_defaultBackend_isNoOpAndRepeatable() throws Exception {
    CacheFixture fx = CacheFixture.create(root, "");
    ImageBackend b = Backends.create(BackendContext.of(fx.conf, fx.cache), "test-copy");

    b.close();
    b.close();

    assertThat(b.describe()).isNotEmpty();
  }
}
