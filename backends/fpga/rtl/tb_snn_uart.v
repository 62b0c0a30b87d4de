// tb_snn_uart: tb_snn through snn_top's UART: the configuration stream
// (cfg.hex) goes over the serial line, CLKS cycles a bit, and the
// read-back comes back over it. As spec/fpga.md asks of a host, it sends
// a frame only once the previous one's answer is back: waits.hex lists
// the bytes before which it waits, each with the number of answer bytes
// it waits for (the done bytes of the runs, the words of a read).
`timescale 1ns / 1ps
`default_nettype none
module tb_snn_uart;
`include "snn_params.vh"
`include "snn_run.vh"
    localparam CLKS = 8;
    reg clk = 1'b0;
    reg rst = 1'b1;
    always #5 clk = !clk;

    reg [7:0]  cfg  [0:CFG_BYTES-1];
    reg [63:0] waits [0:WAITS-1];
    integer wi = 0;
    reg [32:0] stim [0:STIM_LINES-1];
    integer si = 0, rb = 0, i, b;
    reg [63:0] cycles = 64'd0;
    integer fspikes, fread;
    reg rx_line = 1'b1;
    wire tx_line, in_ready, out_valid, running, frame_error;
    wire [31:0] out_slot, out_step;
    wire [32:0] stim_word = si < STIM_LINES ? stim[si] : 33'd0;

    snn_top #(.N(N), .NSRC(NSRC), .SW(SW), .PW(PW), .NSYN(NSYN), .SYNW(SYNW), .NROW(NROW), .NCOL(NCOL), .NCIDX(NCIDX),
              .NPROJ(NPROJ), .L(L), .ND(ND), .SLOTW(SLOTW), .DLYW(DLYW), .CLKS(CLKS)) top (
        .clk(clk), .rst(rst), .uart_rx(rx_line), .uart_tx(tx_line),
        .in_src(stim_word[31:0]), .in_end(stim_word[32]), .in_valid(si < STIM_LINES), .in_ready(in_ready),
        .out_slot(out_slot), .out_step(out_step), .out_valid(out_valid), .out_ready(1'b1),
        .running(running), .frame_error(frame_error));

    // The host's receiver: bytes from the core's tx line.
    reg [7:0] rbyte;
    always begin
        @(negedge tx_line);
        repeat (CLKS / 2) @(posedge clk);
        for (b = 0; b < 8; b = b + 1) begin
            repeat (CLKS) @(posedge clk);
            rbyte[b] = tx_line;
        end
        repeat (CLKS) @(posedge clk);
        $fwrite(fread, "%02x\n", rbyte);
        rb = rb + 1;
        if (rb == READ_BYTES) begin
            $fwrite(fread, "cycles %0d\n", cycles);
            $fclose(fspikes);
            $fclose(fread);
            $finish;
        end
    end

    // The host's sender.
    task send(input [7:0] x);
        integer k;
        begin
            rx_line = 1'b0;
            repeat (CLKS) @(posedge clk);
            for (k = 0; k < 8; k = k + 1) begin
                rx_line = x[k];
                repeat (CLKS) @(posedge clk);
            end
            rx_line = 1'b1;
            repeat (CLKS) @(posedge clk);
        end
    endtask

    initial begin
        $readmemh("cfg.hex", cfg);
        $readmemh("waits.hex", waits);
        if (STIM_LINES > 0)
            $readmemh("stim.hex", stim);
        fspikes = $fopen("spikes.txt", "w");
        fread = $fopen("readback.hex", "w");
        repeat (4) @(posedge clk);
        rst = 1'b0;
        for (i = 0; i < CFG_BYTES; i = i + 1) begin
            while (wi < WAITS && waits[wi][63:32] == i) begin
                wait (rb >= waits[wi][31:0]);
                wi = wi + 1;
            end
            send(cfg[i]);
        end
    end

    always @(posedge clk) begin
        if (!rst) begin
            cycles <= cycles + 1;
            if (si < STIM_LINES && in_ready)
                si <= si + 1;
            if (out_valid)
                $fwrite(fspikes, "%0d %0d\n", out_step, out_slot);
            if (frame_error) begin
                $display("tb_snn_uart: a framing error");
                $finish;
            end
            if (cycles == MAX_CYCLES * 2) begin
                $display("tb_snn: no result after %0d cycles", cycles);
                $finish;
            end
        end
    end
endmodule
`default_nettype wire
