package io.imgtrust.glance;

import static com.google.common.base.Preconditions.checkNotNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the client authenticates to Glance: not at all, with a token read from a file, or with a Keystone v3 token
 * (password or application credential) that it renews before it expires. Immutable; {@link #toString()} never shows
 * a secret.
 */
public final class GlanceAuth {
  /** The ways to authenticate. */
  public enum Kind { NONE, TOKEN_FILE, PASSWORD, APPLICATION_CREDENTIAL }

  private final Kind kind;
  private final Optional<Path> tokenFile;
  private final Optional<URI> authUrl;
  private final String name;
  private final String secret;
  private final String userDomain;
  private final String project;
  private final String projectDomain;

  private GlanceAuth(Kind kind, Optional<Path> tokenFile, Optional<URI> authUrl, String name, String secret,
      String userDomain, String project, String projectDomain) {
    this.kind = kind;
    this.tokenFile = tokenFile;
    this.authUrl = authUrl;
    this.name = checkNotNull(name);
    this.secret = checkNotNull(secret);
    this.userDomain = checkNotNull(userDomain);
    this.project = checkNotNull(project);
    this.projectDomain = checkNotNull(projectDomain);
  }

  /** No authentication (a Glance behind no Keystone). */
  public static GlanceAuth none() {
    return new GlanceAuth(Kind.NONE, Optional.empty(), Optional.empty(), "", "", "", "", "");
  }

  /** The token in {@code file} (whitespace trimmed), read again whenever Glance answers 401. */
  public static GlanceAuth tokenFile(Path file) {
    return new GlanceAuth(Kind.TOKEN_FILE, Optional.of(file), Optional.empty(), "", "", "", "", "");
  }

  /** A Keystone v3 password token for {@code user} in {@code userDomain}, scoped to {@code project}. */
  public static GlanceAuth password(URI authUrl, String user, String userDomain, String password, String project,
      String projectDomain) {
    return new GlanceAuth(Kind.PASSWORD, Optional.empty(), Optional.of(authUrl), user, password, userDomain, project,
        projectDomain);
  }

  /** A Keystone v3 application-credential token (its scope is the credential's). */
  public static GlanceAuth applicationCredential(URI authUrl, String id, String secret) {
    return new GlanceAuth(Kind.APPLICATION_CREDENTIAL, Optional.empty(), Optional.of(authUrl), id, secret, "", "",
        "");
  }

  public Kind kind() {
    return kind;
  }

  public Optional<Path> tokenFile() {
    return tokenFile;
  }

  public Optional<URI> authUrl() {
    return authUrl;
  }

  /** The user name (password) or the application credential id. */
  public String name() {
    return name;
  }

  /** The password or the application credential secret. */
  String secret() {
    return secret;
  }

  public String userDomain() {
    return userDomain;
  }

  public String project() {
    return project;
  }

  public String projectDomain() {
    return projectDomain;
  }

  @Override
  public String toString() {
    return kind == Kind.NONE ? "none" : kind == Kind.TOKEN_FILE ? "token_file " + tokenFile.orElseThrow()
        : kind.name().toLowerCase(java.util.Locale.ROOT) + " " + name + " at " + authUrl.orElseThrow();
  }
}
