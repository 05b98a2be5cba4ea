package io.imgtrust.cli;

import io.imgtrust.core.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Help texts rendered ahead of time, so that {@code imgtrust [COMMAND [SUBCOMMAND]] --help} prints without building
 * picocli's model of the command by reflection (most of its start-up). The launcher renders them next to the
 * class-data archive, from the same jar ({@link #main}), and passes the directory in the system property
 * {@value #PROPERTY}. Only a plain help request is served from it: command names, then one {@code --help} or
 * {@code -h}, nothing else, and only when the texts were rendered from the jar that is running (its size and
 * modification time). Anything else, or a missing file, goes through picocli as before; the texts are the same
 * (checked in {@code HelpCacheTest}), except that they never carry terminal colours.
 */
final class HelpCache {
  /** The system property naming the directory of rendered texts. */
  static final String PROPERTY = "imgtrust.help";
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  /** The file naming the jar the texts were rendered from (size and modification time). */
  private static final String STAMP = "jar.stamp";

  private HelpCache() {}

  /** Renders the help of the root and of every command and subcommand into the directory {@code args[0]}. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    for (List<String> path : paths()) {
      AtomicFiles.write(dir.resolve(key(path)), render(path).getBytes(StandardCharsets.UTF_8), "rw-r--r--");
    }
    AtomicFiles.write(dir.resolve(STAMP), stamp().getBytes(StandardCharsets.UTF_8), "rw-r--r--");
  }

  /** The rendered help for {@code args} from the directory in {@value #PROPERTY}, if it is a plain help request. */
  static Optional<byte[]> lookup(String[] args) {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || args.length == 0 || !isHelp(args[args.length - 1])) {
      return Optional.empty();
    }
    List<String> path = Arrays.asList(args).subList(0, args.length - 1);
    if (!path.stream().allMatch(a -> NAME.matcher(a).matches())) {
      return Optional.empty();
    }
    try {
      if (!Files.readString(Path.of(dir, STAMP)).equals(stamp())) {
        return Optional.empty(); // rendered from another jar: picocli answers
      }
      return Optional.of(Files.readAllBytes(Path.of(dir, key(path))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // not rendered (e.g. a misspelt command): picocli answers
    }
  }

  /** The root, every command, and every subcommand of a {@link CommandGroup}. */
  static List<List<String>> paths() {
    List<List<String>> paths = new ArrayList<>();
    paths.add(List.of());
    for (Map.Entry<String, Supplier<Object>> c : Main.Registry.COMMANDS.entrySet()) {
      paths.add(List.of(c.getKey()));
      Object command = c.getValue().get();
      if (command instanceof CommandGroup) {
        ((CommandGroup) command).subcommands().keySet().forEach(s -> paths.add(List.of(c.getKey(), s)));
      }
    }
    return paths;
  }

  /** What picocli prints for {@code path} followed by {@code --help}. */
  static String render(List<String> path) {
    List<String> args = new ArrayList<>(path);
    args.add("--help");
    PrintStream out = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      if (Main.run(args.toArray(new String[0])) != 0) {
        throw new IllegalStateException("help for " + path + " failed");
      }
    } finally {
      System.setOut(out);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHelp(String a) {
    return a.equals("--help") || a.equals("-h");
  }

  /** One file per command path; '.' joins the names because no name contains it. */
  private static String key(List<String> path) {
    return path.isEmpty() ? "imgtrust.txt" : "imgtrust." + String.join(".", path) + ".txt";
  }

  /** The size and modification time of the jar (or class directory) this class was loaded from. */
  static String stamp() {
    try {
      Path code = Path.of(HelpCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.size(code) + " " + Files.getLastModifiedTime(code).toMillis();
    } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
      return "unknown";
    }
  }
}
