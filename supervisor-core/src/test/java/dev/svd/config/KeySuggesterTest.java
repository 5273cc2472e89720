package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeySuggesterTest {
    private static final List<String> KEYS = List.of("command", "depends-on", "start-seconds", "stop");

    @Test
    void suggestsAfterAMissingLetter() {
        assertThat(KeySuggester.suggest("depnds-on", KEYS)).contains("depends-on");
    }

    @Test
    void suggestsAfterSwappedLetters() {
        assertThat(KeySuggester.suggest("comamnd", KEYS)).contains("command");
    }

    @Test
    void suggestsDespiteCase() {
        assertThat(KeySuggester.suggest("Command", KEYS)).contains("command");
    }

    @Test
    void suggestsNothingForAnUnrelatedWord() {
        assertThat(KeySuggester.suggest("colour", KEYS)).isEmpty();
    }

    @Test
    void countsEdits() {
        assertThat(KeySuggester.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(KeySuggester.distance("", "abc")).isEqualTo(3);
        assertThat(KeySuggester.distance("TREM", "TERM")).isEqualTo(1);
    }
}
