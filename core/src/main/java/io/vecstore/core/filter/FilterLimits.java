package io.vecstore.core.filter;

/**
 * Complexity limits of a filter, checked while parsing so that a hostile filter fails early with a
 * position instead of exhausting the stack or Lucene's clause limit.
 */
final class FilterLimits {

  /** Characters of filter text. */
  static final int MAX_CHARS = 65_536;
  /**
   * Comparisons (leaves) in one filter. Each becomes one to five Lucene clauses (a negation adds a
   * MatchAllDocs clause, a numeric range is points plus doc values), and Lucene refuses queries of
   * over 1024 clauses; {@link Filters#compile} checks the compiled total as well.
   */
  static final int MAX_CLAUSES = 512;
  /** Nesting of parentheses, NOT, $and, $or and $not. */
  static final int MAX_DEPTH = 32;
  /** Values in one IN / NOT IN / $in / $nin list. */
  static final int MAX_LIST = 10_000;

  private FilterLimits() {}
}
