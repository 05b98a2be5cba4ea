package io.imgtrust.backend.lvm;

import static io.imgtrust.core.testing.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.Reason;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.Backends;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LvmBackendProviderTest {
  @TempDir Path root;

  @Test
  void options_novasNamesAndDefaults() {
    assertThat(new LvmBackendProvider().options()).extracting(BackendOption::qualifiedName,
        BackendOption::defaultValue).containsExactly(
            org.assertj.core.groups.Tuple.tuple("[libvirt] images_volume_group", "imgtrust"),
            org.assertj.core.groups.Tuple.tuple("[libvirt] volume_clear", "zero"),
            org.assertj.core.groups.Tuple.tuple("[libvirt] volume_clear_size", "0"));
  }

  @Test
  void create_fromImagesTypeLvm_describesGroupAndClear() throws Exception {
    CacheFixture fx = CacheFixture.create(root, "[libvirt]\nimages_volume_group = vg0\nvolume_clear = shred\n");

    String d = Backends.create(BackendContext.of(fx.conf, fx.cache), "lvm").describe();

    assertThat(d).contains("vg0").contains("volume_clear = shred");
    assertThat(fx.conf.warnings()).isEmpty();
  }

  @Test
  void create_groupNameLikeAnOption_badConfig() throws Exception {
    CacheFixture fx = CacheFixture.create(root, "[libvirt]\nimages_volume_group = --force\n");

    refused(Reason.BAD_CONFIG, () -> Backends.create(BackendContext.of(fx.conf, fx.cache), "lvm"));
  }

  @Test
  void load_unknownVolumeClear_badConfig() {
    refused(Reason.BAD_CONFIG, () -> CacheFixture.create(root, "[libvirt]\nvolume_clear = wipe\n"));
  }
}
