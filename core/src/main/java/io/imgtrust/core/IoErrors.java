package io.imgtrust.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Short, readable descriptions of I/O failures for messages. */
public final class IoErrors {
  private IoErrors() {}

  /** E.g. {@code no such file}, {@code permission denied}, or the exception's own reason. */
  public static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    } else if (e instanceof AccessDeniedException) {
      return "permission denied";
    } else if (e instanceof NotDirectoryException) {
      return "not a directory";
    } else if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      return ((FileSystemException) e).getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** {@code FILE_UNREADABLE} for {@code what} ({@code "metadata /x"}), with a readable reason. */
  public static ImageTrustException unreadable(String what, IOException e) {
    return ImageTrustException.wrap(Reason.FILE_UNREADABLE, "cannot read " + what + ": " + describe(e), e);
  }
}
