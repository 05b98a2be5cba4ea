package io.imgtrust.glance;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.config.Key.Type;
import io.imgtrust.core.spi.OptionProvider;

/**
 * The {@code [glance]} options, named as Nova's {@code [glance]} section (and its keystoneauth options) names them;
 * {@code connect_timeout}, {@code read_timeout}, {@code min_download_rate}, {@code token_file} and
 * {@code auth_type = token_file} are imgtrust's own. Found by the configuration loader through {@link OptionProvider}.
 */
public final class GlanceOptions implements OptionProvider {
  static final String SECTION = "glance";

  public static final BackendOption API_SERVERS = opt("api_servers", Type.LIST, "",
      "Glance API endpoints (http:// or https:// URLs), tried in turn; empty = no Glance (cache add only)");
  public static final BackendOption NUM_RETRIES = opt("num_retries", Type.NON_NEGATIVE_INT, "3",
      "retries of a failed request or a dropped download (backing off, next endpoint)");
  public static final BackendOption CONNECT_TIMEOUT = opt("connect_timeout", Type.NON_NEGATIVE_INT, "10",
      "seconds to connect, and to wait for response headers");
  public static final BackendOption READ_TIMEOUT = opt("read_timeout", Type.NON_NEGATIVE_INT, "60",
      "seconds a response may send nothing before the request fails (GLANCE_ERROR)");
  public static final BackendOption MIN_DOWNLOAD_RATE = opt("min_download_rate", Type.NON_NEGATIVE_INT, "64",
      "KiB/s a response must average after read_timeout, resumes included (GLANCE_ERROR below it; 0 = no floor)");
  public static final BackendOption CAFILE = opt("cafile", Type.STRING, "",
      "PEM CA certificates for https endpoints (empty = the JDK's)");
  public static final BackendOption INSECURE = opt("insecure", Type.BOOLEAN, "false",
      "https without certificate or host name checks");
  public static final BackendOption AUTH_TYPE = opt("auth_type",
      Type.choice("none", "token_file", "password", "v3password", "v3applicationcredential"), "none",
      "how requests authenticate");
  public static final BackendOption TOKEN_FILE = opt("token_file", Type.STRING, "",
      "auth_type = token_file: a file holding the token (read again when Glance answers 401)");
  public static final BackendOption AUTH_URL = opt("auth_url", Type.STRING, "", "Keystone URL");
  public static final BackendOption USERNAME = opt("username", Type.STRING, "", "Keystone user");
  public static final BackendOption PASSWORD = opt("password", Type.STRING, "", "its password");
  public static final BackendOption USER_DOMAIN_NAME = opt("user_domain_name", Type.STRING, "Default",
      "the user's domain");
  public static final BackendOption PROJECT_NAME = opt("project_name", Type.STRING, "", "project to scope to");
  public static final BackendOption PROJECT_DOMAIN_NAME = opt("project_domain_name", Type.STRING, "Default",
      "the project's domain");
  public static final BackendOption APPLICATION_CREDENTIAL_ID = opt("application_credential_id", Type.STRING, "",
      "auth_type = v3applicationcredential: its id");
  public static final BackendOption APPLICATION_CREDENTIAL_SECRET = opt("application_credential_secret",
      Type.STRING, "", "and its secret");

  private static final ImmutableList<BackendOption> ALL = ImmutableList.of(API_SERVERS, NUM_RETRIES,
      CONNECT_TIMEOUT, READ_TIMEOUT, MIN_DOWNLOAD_RATE, CAFILE, INSECURE, AUTH_TYPE, TOKEN_FILE, AUTH_URL, USERNAME, PASSWORD,
      USER_DOMAIN_NAME, PROJECT_NAME, PROJECT_DOMAIN_NAME, APPLICATION_CREDENTIAL_ID, APPLICATION_CREDENTIAL_SECRET);

  @Override
  public ImmutableList<BackendOption> options() {
    return ALL;
  }

  private static BackendOption opt(String name, Type type, String defaultValue, String doc) {
    return BackendOption.of(SECTION, name, type, defaultValue, doc);
  }
}
