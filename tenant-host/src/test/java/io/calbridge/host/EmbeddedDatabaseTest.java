package io.calbridge.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

    @Test
    void dataSurvivesARestartAndDurabilityIsOn(@TempDir Path dataDir) throws Exception {
        try (EmbeddedDatabase first = EmbeddedDatabase.start(dataDir)) {
            var dsl = DSL.using(first.dataSource(), SQLDialect.POSTGRES);
            assertEquals("on", dsl.fetchValue("show fsync"));
            assertEquals("on", dsl.fetchValue("show synchronous_commit"));
            dsl.execute("create table kept (v text)");
            dsl.execute("insert into kept values ('still here')");
        }
        try (EmbeddedDatabase second = EmbeddedDatabase.start(dataDir)) {
            var dsl = DSL.using(second.dataSource(), SQLDialect.POSTGRES);
            assertEquals("still here", dsl.fetchValue("select v from kept"));
        }
    }
}
