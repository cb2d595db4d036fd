package io.vecstore.demo;

import java.util.List;

/**
 * The namespaces guide, top to bottom, as one story told through {@link Namespaces}: the same
 * chapters, calls and checks whichever implementation runs it. A chapter that meets an error no
 * step expected ends there as a mismatch; the next chapter still runs, and the namespaces the
 * story created are deleted at the end in any case.
 *
 * <p>Thread-safety: tells one story on one thread (a chapter may use a pool of its own).
 */
final class GuideStory {

  /** Titles of the chapters whose checks only one mode can make (the other skips them). */
  static final String PERSISTENCE = "Persistence & Recovery";
  static final String MONITORING = "Monitoring & Observability";

  private final Tour tour;
  private final Story story;

  GuideStory(Namespaces api, Story story, String prefix) {
    this.tour = new Tour(api, story, prefix);
    this.story = story;
  }

  private record Chapter(String title, Body body) {}

  @FunctionalInterface
  private interface Body {
    void tell() throws Exception;
  }

  /** Tells the story; returns the exit status ({@link Story#finish()}). */
  int tell() {
    StartChapters start = new StartChapters(tour);
    QuotaChapters quotas = new QuotaChapters(tour);
    OperationsChapters operations = new OperationsChapters(tour);
    PracticeChapters practice = new PracticeChapters(tour);
    List<Chapter> chapters = List.of(
        new Chapter("Quick Start: Creating a Namespace", start::creating),
        new Chapter("Quick Start: Using a Namespace", start::using),
        new Chapter("Quota Tiers", start::tiers),
        new Chapter("Namespace Status", start::statuses),
        new Chapter("Resource Usage & Quotas: Checking Usage", quotas::checkingUsage),
        new Chapter("Quota Enforcement: Vector Count Limit", quotas::vectorCount),
        new Chapter("Quota Enforcement: Storage Limit", quotas::storage),
        new Chapter("Quota Enforcement: Dimension Limit", quotas::dimension),
        new Chapter("Quota Enforcement: Rate Limit", quotas::rateLimit),
        new Chapter("Quota Enforcement: Concurrent Query Limit", quotas::concurrentQueries),
        new Chapter("Quota Enforcement: Result Size Limit", quotas::resultSize),
        new Chapter("Quota Enforcement: Batch Size Limit", quotas::batchSize),
        new Chapter("Quota Utilization", quotas::utilization),
        new Chapter("Admin API", operations::adminApi),
        new Chapter(PERSISTENCE, operations::persistence),
        new Chapter("Multi-Tenancy Patterns", operations::patterns),
        new Chapter(MONITORING, operations::monitoring),
        new Chapter("Best Practices", practice::bestPractices),
        new Chapter("Advanced Topics", practice::advanced),
        new Chapter("Troubleshooting", practice::troubleshooting));
    try {
      for (Chapter c : chapters) {
        story.chapter(c.title());
        try {
          c.body().tell();
        } catch (Story.ChapterAborted e) {
          story.note("the rest of this chapter is skipped");
        } catch (ApiException e) {
          story.result("error " + e.shown());
          story.unexpected("unexpected error " + e.shown());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
          story.unexpected("unexpected " + e);
        }
      }
    } finally {
      story.chapter("Clean-up");
      try {
        practice.cleanUp();
      } catch (ApiException e) {
        story.unexpected("clean-up failed: " + e.shown());
      } catch (RuntimeException e) {
        story.unexpected("clean-up failed: " + e);
      }
    }
    return story.finish();
  }
}
