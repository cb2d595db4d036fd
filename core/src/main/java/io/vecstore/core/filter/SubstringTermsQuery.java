package io.vecstore.core.filter;

import java.io.IOException;
import java.util.Objects;
import org.apache.lucene.index.FilteredTermsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.MultiTermQuery;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.util.AttributeSource;
import org.apache.lucene.util.BytesRef;

/**
 * Matches documents with a term of {@code field} that contains {@code needle} as a substring, by
 * scanning every term of the field: cost linear in the field's distinct terms. Used only for the
 * long strings that are not in the suffix index. UTF-8 is self-synchronizing, so a byte substring of
 * a well-formed string is a substring of its characters.
 */
final class SubstringTermsQuery extends MultiTermQuery {

  private final BytesRef needle;

  SubstringTermsQuery(String field, String needle) {
    super(field, CONSTANT_SCORE_BLENDED_REWRITE);
    this.needle = new BytesRef(needle);
  }

  @Override
  protected TermsEnum getTermsEnum(Terms terms, AttributeSource atts) throws IOException {
    return new FilteredTermsEnum(terms.iterator(), false) {
      @Override
      protected AcceptStatus accept(BytesRef term) {
        return contains(term) ? AcceptStatus.YES : AcceptStatus.NO;
      }
    };
  }

  private boolean contains(BytesRef term) {
    byte[] h = term.bytes;
    byte[] n = needle.bytes;
    int last = term.offset + term.length - needle.length;
    outer:
    for (int i = term.offset; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (h[i + j] != n[needle.offset + j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void visit(QueryVisitor visitor) {
    if (visitor.acceptField(field)) {
      visitor.visitLeaf(this);
    }
  }

  @Override
  public String toString(String defaultField) {
    return (field.equals(defaultField) ? "" : field + ":") + "*" + needle.utf8ToString() + "*";
  }

  @Override
  public boolean equals(Object other) {
    return sameClassAs(other)
        && field.equals(((SubstringTermsQuery) other).field)
        && needle.equals(((SubstringTermsQuery) other).needle);
  }

  @Override
  public int hashCode() {
    return Objects.hash(classHash(), field, needle);
  }
}
