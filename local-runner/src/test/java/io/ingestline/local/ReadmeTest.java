package io.ingestline.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.edge.EdgeConfig;
import io.ingestline.model.env.Setting;
import io.ingestline.query.QueryConfig;
import io.ingestline.sink.SinkConfig;
import io.ingestline.validator.ValidatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The README stays true: every setting a service reads is in its tables, with its default. */
class ReadmeTest {
    private static final Path README = Path.of("..", "README.md");

    @Test
    void lists_every_setting_with_its_default() throws Exception {
        List<String> lines = Files.readAllLines(README);
        Set<Setting> settings = new LinkedHashSet<>();
        settings.addAll(EdgeConfig.SETTINGS);
        settings.addAll(ValidatorConfig.SETTINGS);
        settings.addAll(SinkConfig.SETTINGS);
        settings.addAll(QueryConfig.ALL_SETTINGS);
        settings.addAll(LocalConfig.SETTINGS);
        List<String> missing = new ArrayList<>();
        for (Setting s : settings) {
            boolean documented = lines.stream().anyMatch(l -> l.startsWith("| `" + s.env() + "`")
                    && (s.defaultValue().isEmpty() || s.env().endsWith("STATE_DIR") || l.contains("`" + s.defaultValue() + "`")));
            if (!documented) {
                missing.add(s.env() + " (default " + s.defaultValue() + ")");
            }
        }
        assertThat(missing).as("settings missing from the README's tables").isEmpty();
    }

    @Test
    void quickstart_starts_with_the_run_command_then_the_test_command_that_ci_runs() throws Exception {
        String readme = Files.readString(README);
        String[] blocks = readme.substring(readme.indexOf("## Quickstart")).split("```");
        String run = code(blocks[1]);
        String test = code(blocks[3]);
        assertThat(run.lines()).hasSize(1);
        assertThat(run).contains("java -jar local-runner/target/ingestline-local.jar");
        assertThat(test.lines()).hasSize(1);
        assertThat(Files.readString(Path.of("..", ".ci", "run"))).contains(test);
    }

    /** A fenced block's content without its language tag line. */
    private static String code(String block) {
        return block.substring(block.indexOf('\n') + 1).strip();
    }
}
