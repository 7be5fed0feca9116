package dev.lanechat.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's nginx example is the file the browser test runs nginx with
 * (docs/nginx/lanechat.conf, see web/e2e): the block under "### Behind nginx" must equal it, so
 * the two cannot drift apart.
 */
class ReadmeNginxTest {
    private static final Path ROOT = Path.of(System.getProperty("lanechat.repo.root", ".."));

    @Test
    void theReadmesNginxBlockIsDocsNginxLanechatConf() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int section = readme.indexOf("\n### Behind nginx\n");
        assertThat(section).as("README has a \"### Behind nginx\" section").isPositive();
        Matcher block = Pattern.compile("```nginx\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find(section)).as("an ```nginx block after it").isTrue();
        assertThat(block.group(1)).isEqualTo(Files.readString(ROOT.resolve("docs/nginx/lanechat.conf")));
        assertThat(block.find()).as("only one nginx block in the README").isFalse();
    }
}
