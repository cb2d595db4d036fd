package io.vecstore.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Prints the story and checks it against the guide: every outcome the guide promises is a check,
 * printed {@code [ok]} or {@code [MISMATCH]}; {@link #finish()} turns any mismatch into exit
 * status 1. Check lines never carry figures that vary between runs or modes, so both modes print
 * the same ones.
 *
 * <p>Thread-safety: one thread tells the story; not for concurrent use.
 */
final class Story {

  static final String OK = "  [ok] ";
  static final String MISMATCH = "  [MISMATCH] ";

  private final PrintStream out;
  private final List<String> mismatches = new ArrayList<>();
  private int checks;
  private String chapter = "";

  Story(PrintStream out) {
    this.out = out;
  }

  /** Aborts the rest of a chapter whose next steps cannot run after a mismatch. */
  static final class ChapterAborted extends RuntimeException {
    ChapterAborted(String message) {
      super(message);
    }
  }

  void chapter(String title) {
    chapter = title;
    out.println();
    out.println("== " + title + " ==");
  }

  /** A call of the guide, as the guide writes it. */
  void call(String line) {
    out.println(line);
  }

  /** What came back. */
  void result(String line) {
    out.println("  -> " + line);
  }

  /** An aside: how VecStore differs, or why a step is skipped. */
  void note(String line) {
    out.println("  (" + line + ")");
  }

  /** A promise of the guide (or of README.md where the guide is silent), checked. */
  boolean check(boolean ok, String expectation) {
    checks++;
    if (ok) {
      out.println(OK + expectation);
    } else {
      out.println(MISMATCH + expectation);
      mismatches.add(chapter + ": " + expectation);
    }
    return ok;
  }

  /** A check the rest of the chapter depends on: a mismatch ends the chapter. */
  void require(boolean ok, String expectation) {
    if (!check(ok, expectation)) {
      throw new ChapterAborted(expectation);
    }
  }

  /** {@code call} must fail with exactly this code and message (and, over REST, this HTTP status). */
  ApiException expectError(int status, String code, String message, Runnable call) {
    return expectError(status, code, Pattern.compile(Pattern.quote(message)), message, call);
  }

  /** Like {@link #expectError(int, String, String, Runnable)}, the message matching {@code message}. */
  ApiException expectError(int status, String code, Pattern message, String shownAs, Runnable call) {
    try {
      call.run();
    } catch (ApiException e) {
      result("error " + e.shown());
      boolean ok = e.code().equals(code) && message.matcher(e.getMessage()).matches()
          && (e.status() == 0 || e.status() == status);
      check(ok, "fails with " + status + " " + code + ": " + shownAs);
      return e;
    }
    result("no error");
    check(false, "fails with " + status + " " + code + ": " + shownAs);
    return null;
  }

  /** Records an error no step expected (it ended its chapter). */
  void unexpected(String what) {
    out.println(MISMATCH + what);
    mismatches.add(chapter + ": " + what);
  }

  /** Prints the verdict; returns the exit status: 0 when the story matched the guide, else 1. */
  int finish() {
    out.println();
    if (mismatches.isEmpty()) {
      out.println("The story matches the guide: " + checks + " checks, 0 mismatches.");
      return 0;
    }
    out.println("The story does NOT match the guide: " + mismatches.size() + " of " + checks + " checks failed:");
    mismatches.forEach(m -> out.println("  - " + m));
    return 1;
  }
}
