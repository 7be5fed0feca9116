package dev.lanechat.server.search;

import dev.lanechat.server.store.FullText;
import java.util.ArrayList;
import java.util.List;

/** A snippet as the store marks it, split into plain text and the ranges of its matched words. */
record Snippet(String text, List<int[]> highlights) {

    static Snippet parse(String marked) {
        if (marked == null) {
            return new Snippet("", List.of());
        }
        StringBuilder text = new StringBuilder(marked.length());
        List<int[]> ranges = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < marked.length(); i++) {
            char c = marked.charAt(i);
            if (c == FullText.MARK_START) {
                start = text.length();
            } else if (c == FullText.MARK_END) {
                if (start >= 0 && text.length() > start) {
                    ranges.add(new int[] {start, text.length()});
                }
                start = -1;
            } else {
                text.append(c);
            }
        }
        return new Snippet(text.toString(), List.copyOf(ranges));
    }
}
