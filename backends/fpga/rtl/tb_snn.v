// tb_snn: the testbench snnc runs the core with. It programs the core only
// through its configuration port (cfg.hex: the configuration stream, one
// byte per line, which also runs the model and reads the state back),
// drives the input port from stim.hex (one transfer per line: bit 32 ends
// a step, bits 31-0 name a source), and writes the output spikes
// (spikes.txt: step and slot per line) and the read-back bytes
// (readback.hex). It reads both files as the core takes them, so that one
// build of it runs any configuration and stimulus of its model: the run's
// lengths come as plusargs, +read_bytes=N (the answer bytes due, after
// which it ends) and +max_cycles=N (after which it gives up).
// snn_params.vh holds the core's parameters.
`timescale 1ns / 1ps
`default_nettype none
module tb_snn;
`include "snn_params.vh"
    reg clk = 1'b0;
    reg rst = 1'b1;
    always #5 clk = !clk;

    reg [63:0] read_bytes, max_cycles;
    reg [63:0] rb = 64'd0, cycles = 64'd0;
    integer fcfg, fstim, fspikes, fread, got;
    // The next configuration byte and input transfer, while the files
    // have one.
    reg [31:0] x;
    reg [32:0] y;
    reg [7:0]  cfg_byte;
    reg [32:0] stim_word;
    reg        cfg_have, stim_have;   // set by the initial block before reset ends
    integer    waiting = 0;          // cycles the core has waited for a byte that will not come

    wire        cfg_ready, rd_valid, in_ready, out_valid, running;
    wire [7:0]  rd_data;
    wire [31:0] out_slot, out_step;

    snn_core #(.N(N), .NSRC(NSRC), .SW(SW), .PW(PW), .NSYN(NSYN), .SYNW(SYNW), .NROW(NROW),
               .NPROJ(NPROJ), .L(L), .ND(ND), .SLOTW(SLOTW), .DLYW(DLYW), .NCOL(NCOL), .NCIDX(NCIDX)) core (
        .clk(clk), .rst(rst),
        .cfg_data(cfg_byte), .cfg_valid(cfg_have), .cfg_ready(cfg_ready),
        .rd_data(rd_data), .rd_valid(rd_valid), .rd_ready(1'b1),
        .in_src(stim_word[31:0]), .in_end(stim_word[32]), .in_valid(stim_have), .in_ready(in_ready),
        .out_slot(out_slot), .out_step(out_step), .out_valid(out_valid), .out_ready(1'b1),
        .running(running));

    initial begin
        if (!$value$plusargs("read_bytes=%d", read_bytes) || !$value$plusargs("max_cycles=%d", max_cycles)) begin
            $display("tb_snn: give +read_bytes=N and +max_cycles=N");
            $finish;
        end
        fcfg = $fopen("cfg.hex", "r");
        fstim = $fopen("stim.hex", "r");
        if (fcfg == 0 || fstim == 0) begin
            $display("tb_snn: no cfg.hex or stim.hex");
            $finish;
        end
        got = $fscanf(fcfg, "%h\n", x);
        cfg_have = got == 1;
        cfg_byte = x[7:0];
        got = $fscanf(fstim, "%h\n", y);
        stim_have = got == 1;
        stim_word = y;
        fspikes = $fopen("spikes.txt", "w");
        fread = $fopen("readback.hex", "w");
        repeat (4) @(posedge clk);
        rst <= 1'b0;
    end

    always @(posedge clk) begin
        if (!rst) begin
            cycles <= cycles + 1;
            if (cfg_have && cfg_ready) begin
                got = $fscanf(fcfg, "%h\n", x);
                cfg_have <= got == 1;
                cfg_byte <= x[7:0];
            end
            if (stim_have && in_ready) begin
                got = $fscanf(fstim, "%h\n", y);
                stim_have <= got == 1;
                stim_word <= y;
            end
            if (out_valid)
                $fwrite(fspikes, "%0d %0d\n", out_step, out_slot);
            if (rd_valid) begin
                $fwrite(fread, "%02x\n", rd_data);
                rb <= rb + 1;
                if (rb + 1 == read_bytes) begin
                    $fwrite(fread, "cycles %0d\n", cycles);
                    $fclose(fspikes);
                    $fclose(fread);
                    $finish;
                end
            end
            // The configuration stream ended, the core waits for more, and
            // answers are still due: cfg.hex and +read_bytes disagree.
            waiting <= !cfg_have && cfg_ready && !running && !rd_valid ? waiting + 1 : 0;
            if (waiting == 64) begin
                $display("tb_snn: cfg.hex ended with %0d of the %0d answer bytes read", rb, read_bytes);
                $fclose(fspikes);
                $fclose(fread);
                $finish;
            end
            if (cycles == max_cycles) begin
                $display("tb_snn: no result after %0d cycles", cycles);
                $fclose(fspikes);
                $fclose(fread);
                $finish;
            end
        end
    end
endmodule
`default_nettype wire
