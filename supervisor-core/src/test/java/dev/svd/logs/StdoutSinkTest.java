package dev.svd.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class StdoutSinkTest {
    @Test
    void aBrokenStdoutDropsBytesWithoutThrowingAndRecovers() {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean[] broken = {true};
        java.io.OutputStream out = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                if (broken[0]) {
                    throw new IOException("Broken pipe");
                }
                written.write(bytes, offset, length);
            }
        };
        StdoutSink sink = new StdoutSink(out, new Object());

        sink.write("lost\n".getBytes(), 0, 5);
        broken[0] = false;
        sink.write("kept\n".getBytes(), 0, 5);

        assertThat(written.toString()).isEqualTo("kept\n");
    }
}
