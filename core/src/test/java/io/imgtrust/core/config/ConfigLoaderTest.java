package io.imgtrust.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
  @TempDir Path dir;

  /** Options that moved from core's Key into their backend modules, declared as those modules declare them. */
  private static final List<BackendOption> BACKEND_OPTIONS = List.of(
      BackendOption.of("libvirt", "images_volume_group", Key.Type.STRING, "imgtrust", "lvm: the volume group"));

  /**
   * The sample of DESIGN.md "Configuration", verbatim (inline comments and the empty list included), but for the rbd
   * options, which the rbd module declares (its RbdOptionsTest loads them).
   */
  private static final String DESIGN_SAMPLE = String.join("\n",
      "[DEFAULT]",
      "instances_path = /var/lib/imgtrust/instances",
      "",
      "[libvirt]",
      "images_type = qcow2            # default | qcow2 | flat | raw | ploop | lvm | rbd   (default = qcow2, raw = flat)",
      "connection_uri = qemu:///system",
      "images_volume_group = imgtrust",
      "",
      "[image_cache]",
      "subdirectory_name = _base",
      "force_raw_images = true",
      "",
      "[verification]",
      "mode = enforce                 # enforce | warn",
      "verify_signatures = false      # true: an image without all four img_signature properties is refused",
      "certificates_dir = /etc/imgtrust/certs",
      "trusted_certs_dir = /etc/imgtrust/trusted",
      "trusted_certificate_ids =",
      "recheck = always               # qcow2 before boot: always | interval | never",
      "recheck_interval_seconds = 3600",
      "recheck_signature = false",
      "host_key_file = /etc/imgtrust/host.key",
      "");

  /** Every option, each with a value that differs from its default. */
  private static final String FULL = String.join("\n",
      "[DEFAULT]",
      "instances_path = /srv/nova/instances",
      "",
      "[libvirt]",
      "images_type = rbd",
      "connection_uri = qemu+tcp://host1/system",
      "images_volume_group = vg0",
      "",
      "[image_cache]",
      "subdirectory_name = cache",
      "force_raw_images = false",
      "",
      "[verification]",
      "mode = warn",
      "verify_signatures = true",
      "certificates_dir = /srv/certs",
      "trusted_certs_dir = /srv/trusted",
      "trusted_certificate_ids = root-ca, intermediate-ca",
      "recheck = interval",
      "recheck_interval_seconds = 600",
      "recheck_signature = true",
      "host_key_file = /srv/host.key",
      "");

  private Path write(String content) throws IOException {
    Path f = dir.resolve("imgtrust.conf");
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  private ImageTrustException loadFails(Path f) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> ConfigLoader.load(f));
    assertThat(e).as("load must fail with ImageTrustException").isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.getMessage()).contains(f.toString());
    return e;
  }

  private static void assertNames(ImageTrustException e, String file, String section, String option) {
    assertThat(e.getMessage()).contains(file).contains(section).contains(option);
    assertThat(e.details())
        .containsEntry("file", file)
        .containsEntry("section", section)
        .containsEntry("option", option);
  }

  // ---------------------------------------------------------------------------------------------- defaults

  @ParameterizedTest
  @EnumSource(Key.class)
  void load_emptyFile_everyKeyAtDefault(Key key) throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write(""));

    assertThat(c.string(key)).isEqualTo(key.defaultValue());
  }

  @Test
  void load_emptyFile_typedGettersGiveDefaults() throws Exception {
    Path f = write("");
    ImgtrustConfig c = ConfigLoader.load(f);

    assertThat(c.bool(Key.FORCE_RAW_IMAGES)).isTrue();
    assertThat(c.bool(Key.VERIFY_SIGNATURES)).isFalse();
    assertThat(c.bool(Key.RECHECK_SIGNATURE)).isFalse();
    assertThat(c.number(Key.RECHECK_INTERVAL_SECONDS)).isEqualTo(3600L);
    assertThat(c.list(Key.TRUSTED_CERTIFICATE_IDS)).isEmpty();
    assertThat(c.path(Key.INSTANCES_PATH)).isEqualTo(Path.of("/var/lib/imgtrust/instances"));
    assertThat(c.path(Key.HOST_KEY_FILE)).isEqualTo(Path.of("/etc/imgtrust/host.key"));
    assertThat(c.cacheDir()).isEqualTo(Path.of("/var/lib/imgtrust/instances/_base"));
    assertThat(c.enforcing()).isTrue();
    assertThat(c.string(Key.RECHECK)).isEqualTo("always");
    assertThat(c.source()).contains(f);
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void defaults_noFile_matchLoadOfEmptyFile() throws Exception {
    ImgtrustConfig loaded = ConfigLoader.load(write(""));
    ImgtrustConfig d = ImgtrustConfig.defaults();

    for (Key k : Key.values()) {
      assertThat(d.string(k)).as(k.qualifiedName()).isEqualTo(loaded.string(k));
    }
    assertThat(d.source()).isEmpty();
    assertThat(d.warnings()).isEmpty();
  }

  @Test
  void load_commentsAndBlankLinesOnly_everyKeyAtDefault() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("# a comment\n; another\n\n[verification]\n# mode = warn\n"));

    assertThat(c.enforcing()).isTrue();
    assertThat(c.warnings()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------- full files

  @Test
  void load_everyOption_readsEachValue() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write(FULL), BACKEND_OPTIONS);

    assertThat(c.path(Key.INSTANCES_PATH)).isEqualTo(Path.of("/srv/nova/instances"));
    assertThat(c.string(Key.IMAGES_TYPE)).isEqualTo("rbd");
    assertThat(c.string(Key.CONNECTION_URI)).isEqualTo("qemu+tcp://host1/system");
    assertThat(c.string(BACKEND_OPTIONS.get(0))).isEqualTo("vg0");
    assertThat(c.string(Key.SUBDIRECTORY_NAME)).isEqualTo("cache");
    assertThat(c.bool(Key.FORCE_RAW_IMAGES)).isFalse();
    assertThat(c.enforcing()).isFalse();
    assertThat(c.string(Key.MODE)).isEqualTo("warn");
    assertThat(c.bool(Key.VERIFY_SIGNATURES)).isTrue();
    assertThat(c.path(Key.CERTIFICATES_DIR)).isEqualTo(Path.of("/srv/certs"));
    assertThat(c.path(Key.TRUSTED_CERTS_DIR)).isEqualTo(Path.of("/srv/trusted"));
    assertThat(c.list(Key.TRUSTED_CERTIFICATE_IDS)).containsExactly("root-ca", "intermediate-ca");
    assertThat(c.string(Key.RECHECK)).isEqualTo("interval");
    assertThat(c.number(Key.RECHECK_INTERVAL_SECONDS)).isEqualTo(600L);
    assertThat(c.bool(Key.RECHECK_SIGNATURE)).isTrue();
    assertThat(c.path(Key.HOST_KEY_FILE)).isEqualTo(Path.of("/srv/host.key"));
    assertThat(c.cacheDir()).isEqualTo(Path.of("/srv/nova/instances/cache"));
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void load_designSampleVerbatim_loadsWithoutWarnings() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write(DESIGN_SAMPLE), BACKEND_OPTIONS);

    assertThat(c.string(Key.IMAGES_TYPE)).isEqualTo("qcow2");
    assertThat(c.string(Key.MODE)).isEqualTo("enforce");
    assertThat(c.bool(Key.VERIFY_SIGNATURES)).isFalse();
    assertThat(c.string(Key.RECHECK)).isEqualTo("always");
    assertThat(c.list(Key.TRUSTED_CERTIFICATE_IDS)).isEmpty();
    assertThat(c.warnings()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "images_type = qcow2            # default | qcow2 | flat | raw | ploop | lvm | rbd",
    "images_type = qcow2 # comment",
    "images_type = qcow2\t# comment",
    "images_type = qcow2 ; comment",
  })
  void load_inlineComment_stripped(String line) throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[libvirt]\n" + line + "\n"));

    assertThat(c.string(Key.IMAGES_TYPE)).isEqualTo("qcow2");
  }

  @Test
  void load_inlineCommentAfterBoolean_stripped() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write(
        "[verification]\nverify_signatures = true      # true: an image without all four is refused\n"));

    assertThat(c.bool(Key.VERIFY_SIGNATURES)).isTrue();
  }

  @Test
  void load_valueWithEqualsAndQuery_keptWhole() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write(
        "[libvirt]\nconnection_uri = qemu+ssh://root@host/system?keyfile=/root/.ssh/id&no_verify=1\n"));

    assertThat(c.string(Key.CONNECTION_URI)).isEqualTo("qemu+ssh://root@host/system?keyfile=/root/.ssh/id&no_verify=1");
  }

  @Test
  void load_utf8ByteOrderMark_firstSectionStillRead() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("\uFEFF[verification]\nverify_signatures = true\nmode = warn\n"));

    assertThat(c.bool(Key.VERIFY_SIGNATURES)).isTrue();
    assertThat(c.enforcing()).isFalse();
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void load_crlfLineEndings_read() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[verification]\r\nmode = warn\r\nrecheck = never\r\n"));

    assertThat(c.string(Key.MODE)).isEqualTo("warn");
    assertThat(c.string(Key.RECHECK)).isEqualTo("never");
  }

  @Test
  void load_keysBeforeAnySection_countAsDefault() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("instances_path = /srv/top\n[libvirt]\nimages_type = flat\n"));

    assertThat(c.path(Key.INSTANCES_PATH)).isEqualTo(Path.of("/srv/top"));
    assertThat(c.string(Key.IMAGES_TYPE)).isEqualTo("flat");
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void load_libvirtOptionBeforeAnySection_warnedAsUnknownDefaultOption() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("images_type = flat\n"));

    assertThat(c.string(Key.IMAGES_TYPE)).isEqualTo(Key.IMAGES_TYPE.defaultValue());
    assertThat(c.warnings()).anySatisfy(w -> assertThat(w).contains("DEFAULT").contains("images_type"));
  }

  @Test
  void load_sameOptionBeforeSectionAndInDefault_badConfig() throws Exception {
    Path f = write("instances_path = /a\n[DEFAULT]\ninstances_path = /b\n");

    assertNames(loadFails(f), f.toString(), "DEFAULT", "instances_path");
  }

  // ------------------------------------------------------------------------------------------ substitution

  @Test
  void load_novaStatePathReference_substitutedAndTheReferencedOptionNotWarnedAbout() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write(
        "[DEFAULT]\nstate_path = /var/lib/nova\ninstances_path = $state_path/instances\ndebug = true\n"));

    assertThat(c.path(Key.INSTANCES_PATH)).isEqualTo(Path.of("/var/lib/nova/instances"));
    assertThat(c.warnings()).singleElement().satisfies(w -> assertThat(w).contains("debug"));
  }

  @Test
  void load_references_sameSectionFirstThenDefaultBracedAndSectionQualified() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write(String.join("\n",
        "[DEFAULT]",
        "base = /srv",
        "instances_path = ${base}/instances",
        "[verification]",
        "base = /etc/imgtrust",
        "certificates_dir = $base/certs",
        "trusted_certs_dir = ${DEFAULT.base}/trusted",
        "host_key_file = $certificates_dir/../host.key",
        "")));

    assertThat(c.path(Key.INSTANCES_PATH)).isEqualTo(Path.of("/srv/instances"));
    assertThat(c.path(Key.CERTIFICATES_DIR)).isEqualTo(Path.of("/etc/imgtrust/certs"));
    assertThat(c.path(Key.TRUSTED_CERTS_DIR)).isEqualTo(Path.of("/srv/trusted"));
    assertThat(c.path(Key.HOST_KEY_FILE)).isEqualTo(Path.of("/etc/imgtrust/certs/../host.key"));
  }

  @Test
  void load_doubleDollarAndDollarBeforeNoName_literal() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[libvirt]\nconnection_uri = qemu:///$$system$ $5\n"));

    assertThat(c.string(Key.CONNECTION_URI)).isEqualTo("qemu:///$system$ $5");
  }

  @Test
  void load_referenceToAnOptionTheFileDoesNotSet_badConfigNamingIt() throws Exception {
    Path f = write("[DEFAULT]\ninstances_path = $state_path/instances\n");

    ImageTrustException e = loadFails(f);

    assertNames(e, f.toString(), "DEFAULT", "instances_path");
    assertThat(e.getMessage()).contains("$state_path").contains("does not set");
  }

  @Test
  void load_circularReference_badConfig() throws Exception {
    Path f = write("[DEFAULT]\na = $b\nb = ${a}\ninstances_path = /x/$a\n");

    assertThat(loadFails(f).getMessage()).contains("circle");
  }

  @Test
  void load_backslashDollar_literalAsInOsloConfig() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[libvirt]\nconnection_uri = qemu:///pa\\$word\n"));

    assertThat(c.string(Key.CONNECTION_URI)).isEqualTo("qemu:///pa$word");
  }

  @Test
  void load_unbracedSectionQualifiedReference_resolved() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write(
        "[paths]\nroot = /srv\n[DEFAULT]\ninstances_path = $paths.root/instances\n"));

    assertThat(c.path(Key.INSTANCES_PATH)).isEqualTo(Path.of("/srv/instances"));
  }

  @Test
  void load_referenceToAnOptionGivenTwice_badConfig() throws Exception {
    Path f = write("state_path = /a\n[DEFAULT]\nstate_path = /b\ninstances_path = $state_path/i\n");

    assertThat(loadFails(f).getMessage()).contains("$state_path").contains("more than once");
  }

  @Test
  void load_badValueThroughAReference_messageQuotesTheValueAsWrittenNotTheReferencedOne() throws Exception {
    Path f = write("[database]\nconnection = mysql://nova:S3cret@db/nova\n[verification]\nmode = ${database.connection}\n");

    ImageTrustException e = loadFails(f);

    assertThat(e.getMessage()).contains("'${database.connection}'").doesNotContain("S3cret");
  }

  @Test
  void load_unresolvedReferenceInAPassword_badConfigWithoutAnyOfTheValue() throws Exception {
    List<BackendOption> declared = List.of(BackendOption.of("glance", "password", Key.Type.STRING, "", "secret"));
    Path f = write("[glance]\npassword = Tr0ub4dor$horsebattery\n");

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> ConfigLoader.load(f, declared));

    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.getMessage()).contains("[glance] password").doesNotContain("horse").doesNotContain("Tr0ub");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "password = p$Qz9.w0rd|",                       // the section hint would name part of it
      "password = x$zorg|zorg = $password",            // a circle through the password
      "api_servers = $password|password = ab$Kq7"})   // a non-secret option leading into the password
  void load_unresolvableReferenceThroughASecret_messageNamesNothingOfIt(String first, String second)
      throws Exception {
    List<BackendOption> declared = List.of(BackendOption.of("glance", "password", Key.Type.STRING, "", "secret"),
        BackendOption.of("glance", "api_servers", Key.Type.LIST, "", "servers"));
    Path f = write("[glance]\n" + first + "\n" + (second == null ? "" : second + "\n"));

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> ConfigLoader.load(f, declared));

    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.getMessage()).contains("not shown").doesNotContain("Qz9").doesNotContain("w0rd")
        .doesNotContain("zorg").doesNotContain("Kq7");
  }

  @Test
  void load_referencesDoublingThirtyTimes_badConfigNotOutOfMemory() throws Exception {
    StringBuilder ini = new StringBuilder("[DEFAULT]\nc0 = xxxxxxxxxxxxxxxx\n");
    for (int i = 1; i <= 30; i++) {
      ini.append("c").append(i).append(" = $c").append(i - 1).append("$c").append(i - 1).append("\n");
    }
    Path f = write(ini.append("log_file = $c30\n").toString());

    assertThat(loadFails(f).getMessage()).contains("more than " + Substitution.MAX_LENGTH + " characters");
  }

  @Test
  void load_referenceChainDeeperThanTheLimit_badConfigNotStackOverflow() throws Exception {
    StringBuilder ini = new StringBuilder("[DEFAULT]\nd0 = /x\n");
    for (int i = 1; i <= 5000; i++) {
      ini.append("d").append(i).append(" = $d").append(i - 1).append("\n");
    }
    Path f = write(ini.append("instances_path = $d5000\n").toString());

    assertThat(loadFails(f).getMessage()).contains("more than " + Substitution.MAX_DEPTH + " deep");
  }

  @Test
  void load_dottedNameNotASection_isTheDefaultOptionOfThatName() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[DEFAULT]\na.b = /dot\ninstances_path = ${a.b}/i\n"));

    assertThat(c.path(Key.INSTANCES_PATH)).isEqualTo(Path.of("/dot/i"));
  }

  @Test
  void load_sectionOnlyReadThroughAReference_notWarnedAbout() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[paths]\nroot = /srv\n[DEFAULT]\ninstances_path = $paths.root/i\n"));

    assertThat(c.warnings()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"${env:HOME}/x", "${sys:user.home}/x", "${file:UTF-8:/etc/hostname}"})
  void load_commonsConfigurationLookups_notExpanded(String value) throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[libvirt]\nconnection_uri = " + value + "\n"));

    assertThat(c.string(Key.CONNECTION_URI)).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"instances", "./instances", "~/instances", "${env:HOME}/instances"})
  void load_relativePath_badConfig(String value) throws Exception {
    Path f = write("[DEFAULT]\ninstances_path = " + value + "\n");

    ImageTrustException e = loadFails(f);

    assertNames(e, f.toString(), "DEFAULT", "instances_path");
    assertThat(e.getMessage()).contains("not an absolute path");
  }

  // ---------------------------------------------------------------------------------------------- warnings

  @Test
  void load_unknownOption_warnsAndLoads() throws Exception {
    Path f = write("[libvirt]\nvirt_type = kvm\nimages_type = lvm\n");
    ImgtrustConfig c = ConfigLoader.load(f);

    assertThat(c.string(Key.IMAGES_TYPE)).isEqualTo("lvm");
    assertThat(c.warnings()).singleElement().satisfies(
        w -> assertThat(w).contains("virt_type").contains("libvirt").contains(f.toString()));
  }

  @Test
  void load_unknownSection_warnsAndLoads() throws Exception {
    Path f = write("[glance]\napi_servers = http://glance:9292\n[verification]\nmode = warn\n");
    ImgtrustConfig c = ConfigLoader.load(f);

    assertThat(c.enforcing()).isFalse();
    assertThat(c.warnings()).singleElement().satisfies(w -> assertThat(w).contains("glance"));
  }

  @Test
  void load_novaConfWithManyForeignOptions_warnsForEach() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write(String.join("\n",
        "[DEFAULT]",
        "transport_url = rabbit://u:p@mq:5672/",
        "instances_path = /var/lib/nova/instances",
        "[libvirt]",
        "virt_type = kvm",
        "images_type = qcow2",
        "[api_database]",
        "connection = mysql+pymysql://nova:x@db/nova_api",
        "")));

    assertThat(c.path(Key.INSTANCES_PATH)).isEqualTo(Path.of("/var/lib/nova/instances"));
    assertThat(c.warnings()).hasSize(3);
    assertThat(String.join("\n", c.warnings())).contains("transport_url").contains("virt_type")
        .contains("api_database");
  }

  // ---------------------------------------------------------------------------------------------- bad values

  @ParameterizedTest(name = "[{0}] {1} = ''{2}''")
  @CsvSource(delimiter = '|', value = {
    "verification | verify_signatures        | maybe",
    "verification | verify_signatures        | tru",
    "verification | recheck_signature        | 2",
    "image_cache  | force_raw_images         | y",
    "libvirt      | images_type              | QCOW2",
    "verification | mode                     | permissive",
    "verification | recheck                  | sometimes",
    "verification | recheck_interval_seconds | -1",
    "verification | recheck_interval_seconds | abc",
    "verification | recheck_interval_seconds | 1.5",
    "verification | recheck_interval_seconds | 1e3",
    "verification | recheck_interval_seconds | 99999999999999999999",
    "verification | recheck_interval_seconds | 0x10",
  })
  void load_badValue_badConfigNamingFileSectionOption(String section, String option, String value)
      throws Exception {
    Path f = write("[" + section + "]\n" + option + " = " + value + "\n");

    ImageTrustException e = loadFails(f);
    assertNames(e, f.toString(), section, option);
    assertThat(e.getMessage()).contains(value);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "DEFAULT      | instances_path",
    "verification | certificates_dir",
    "verification | host_key_file",
  })
  void load_emptyPath_badConfigNamingFileSectionOption(String section, String option) throws Exception {
    Path f = write("[" + section + "]\n" + option + " =\n");

    ImageTrustException e = loadFails(f);
    assertNames(e, f.toString(), section, option);
    assertThat(e.getMessage()).doesNotContain("more than once");
  }

  @Test
  void load_emptyInteger_badConfigNotDuplicate() throws Exception {
    Path f = write("[verification]\nrecheck_interval_seconds =\n");

    ImageTrustException e = loadFails(f);
    assertNames(e, f.toString(), "verification", "recheck_interval_seconds");
    assertThat(e.getMessage()).doesNotContain("more than once");
  }

  @Test
  void load_duplicatedOption_badConfig() throws Exception {
    Path f = write("[verification]\nmode = enforce\nmode = warn\n");

    ImageTrustException e = loadFails(f);
    assertNames(e, f.toString(), "verification", "mode");
  }

  @Test
  void load_duplicatedOptionWithSameValue_badConfig() throws Exception {
    Path f = write("[libvirt]\nconnection_uri = qemu:///system\nconnection_uri = qemu:///system\n");

    assertNames(loadFails(f), f.toString(), "libvirt", "connection_uri");
  }

  @Test
  void load_sectionRepeatedWithSameOption_badConfig() throws Exception {
    Path f = write("[verification]\nmode = enforce\n[libvirt]\nrbd_user = a\n[verification]\nmode = warn\n");

    assertNames(loadFails(f), f.toString(), "verification", "mode");
  }

  @Test
  void load_sectionRepeatedWithDifferentOptions_mergesBoth() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[verification]\nmode = warn\n[libvirt]\nrbd_user = a\n"
        + "[verification]\nrecheck = never\n"));

    assertThat(c.enforcing()).isFalse();
    assertThat(c.string(Key.RECHECK)).isEqualTo("never");
  }

  @Test
  void load_missingFile_badConfigNamingFile() {
    Path f = dir.resolve("absent.conf");

    ImageTrustException e = loadFails(f);
    assertThat(e.getCause()).isInstanceOf(IOException.class);
  }

  @Test
  void load_directory_badConfig() {
    loadFails(dir);
  }

  // ---------------------------------------------------------------------------------------------- values

  @ParameterizedTest
  @CsvSource({
    "true, true", "TRUE, true", "True, true", "yes, true", "YES, true", "on, true", "On, true", "1, true",
    "false, false", "FALSE, false", "False, false", "no, false", "No, false", "off, false", "OFF, false", "0, false",
  })
  void load_booleanSpellings_acceptedCaseInsensitively(String word, boolean expected) throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[verification]\nverify_signatures = " + word + "\n"
        + "recheck_signature = " + word + "\n[image_cache]\nforce_raw_images = " + word + "\n"));

    assertThat(c.bool(Key.VERIFY_SIGNATURES)).isEqualTo(expected);
    assertThat(c.bool(Key.RECHECK_SIGNATURE)).isEqualTo(expected);
    assertThat(c.bool(Key.FORCE_RAW_IMAGES)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "a,b,c            | a;b;c",
    "a, b , c         | a;b;c",
    "' root-ca , , intermediate ,'| root-ca;intermediate",
    ",,a,,            | a",
    "single           | single",
  })
  void load_trustedCertificateIds_splitTrimmedWithoutEmptyItems(String value, String expected)
      throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[verification]\ntrusted_certificate_ids = " + value + "\n"));

    assertThat(c.list(Key.TRUSTED_CERTIFICATE_IDS)).containsExactly(expected.split(";"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"trusted_certificate_ids =", "trusted_certificate_ids = ", "trusted_certificate_ids = ,"})
  void load_trustedCertificateIdsEmpty_emptyList(String line) throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[verification]\n" + line + "\n"));

    assertThat(c.list(Key.TRUSTED_CERTIFICATE_IDS)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "3600", "86400", "999999999999999999"})
  void load_nonNegativeInteger_accepted(String value) throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[verification]\nrecheck_interval_seconds = " + value + "\n"));

    assertThat(c.number(Key.RECHECK_INTERVAL_SECONDS)).isEqualTo(Long.parseLong(value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "qcow2", "flat", "raw", "ploop", "lvm", "rbd"})
  void load_eachImagesType_accepted(String type) throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[libvirt]\nimages_type = " + type + "\n"));

    assertThat(c.string(Key.IMAGES_TYPE)).isEqualTo(type);
  }

  @Test
  void load_valueWithSurroundingSpaces_trimmed() throws Exception {
    ImgtrustConfig c = ConfigLoader.load(write("[verification]\n   mode   =    warn   \n"));

    assertThat(c.string(Key.MODE)).isEqualTo("warn");
  }

  // ---------------------------------------------------------------------------------------------- with

  @Test
  void with_validValue_overridesWithoutChangingOriginal() throws Exception {
    ImgtrustConfig base = ImgtrustConfig.defaults();
    ImgtrustConfig c = base.with(Key.MODE, "warn").with(Key.RECHECK_INTERVAL_SECONDS, "60");

    assertThat(c.enforcing()).isFalse();
    assertThat(c.number(Key.RECHECK_INTERVAL_SECONDS)).isEqualTo(60L);
    assertThat(base.enforcing()).isTrue();
    assertThat(base.number(Key.RECHECK_INTERVAL_SECONDS)).isEqualTo(3600L);
  }

  @Test
  void with_booleanSpelling_normalised() throws Exception {
    ImgtrustConfig c = ImgtrustConfig.defaults().with(Key.VERIFY_SIGNATURES, "YES");

    assertThat(c.bool(Key.VERIFY_SIGNATURES)).isTrue();
  }

  @Test
  void with_keepsSourceAndWarnings() throws Exception {
    Path f = write("[glance]\nx = 1\n");
    ImgtrustConfig loaded = ConfigLoader.load(f);
    ImgtrustConfig c = loaded.with(Key.CONNECTION_URI, "qemu:///session");

    assertThat(c.source()).contains(f);
    assertThat(c.warnings()).isEqualTo(loaded.warnings()).isNotEmpty();
    assertThat(c.string(Key.CONNECTION_URI)).isEqualTo("qemu:///session");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "MODE                     | strict",
    "VERIFY_SIGNATURES        | perhaps",
    "RECHECK_INTERVAL_SECONDS | -5",
    "IMAGES_TYPE              | Vmdk",
    "INSTANCES_PATH           | ''",
  })
  void with_invalidValue_badConfigNamingSectionAndOption(Key key, String value) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> ImgtrustConfig.defaults().with(key, value));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.details())
        .containsEntry("section", key.section())
        .containsEntry("option", key.optionName())
        .containsKey("file");
    assertThat(e.getMessage()).contains(key.section()).contains(key.optionName());
  }
}
