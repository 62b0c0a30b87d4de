// tb_snn: the testbench snnc runs the core with. It programs the core only
// through its configuration port (cfg.hex: the configuration stream, one
// byte per line, which also runs the model and reads the state back),
// drives the input port from stim.hex (one transfer per line: bit 32 ends
// a step, bits 31-0 name a source), and writes the output spikes
// (spikes.txt: step and slot per line) and the read-back bytes
// (readback.hex). snn_params.vh holds the core's parameters and the
// files' lengths.
`timescale 1ns / 1ps
`default_nettype none
module tb_snn;
`include "snn_params.vh"
    reg clk = 1'b0;
    reg rst = 1'b1;
    always #5 clk = !clk;

    reg [7:0]  cfg  [0:CFG_BYTES-1];
    reg [32:0] stim [0:STIM_LINES-1];
    integer ci = 0, si = 0, rb = 0;
    reg [63:0] cycles = 64'd0;
    integer fspikes, fread;

    wire        cfg_ready, rd_valid, in_ready, out_valid, running;
    wire [7:0]  rd_data;
    wire [31:0] out_slot, out_step;
    wire [7:0]  cfg_byte = ci < CFG_BYTES ? cfg[ci] : 8'd0;
    wire [32:0] stim_word = si < STIM_LINES ? stim[si] : 33'd0;

    snn_core #(.N(N), .NSRC(NSRC), .SW(SW), .PW(PW), .NSYN(NSYN), .SYNW(SYNW), .NROW(NROW),
               .NPROJ(NPROJ), .L(L), .ND(ND), .SLOTW(SLOTW), .DLYW(DLYW), .NCOL(NCOL), .NCIDX(NCIDX)) core (
        .clk(clk), .rst(rst),
        .cfg_data(cfg_byte), .cfg_valid(ci < CFG_BYTES), .cfg_ready(cfg_ready),
        .rd_data(rd_data), .rd_valid(rd_valid), .rd_ready(1'b1),
        .in_src(stim_word[31:0]), .in_end(stim_word[32]), .in_valid(si < STIM_LINES), .in_ready(in_ready),
        .out_slot(out_slot), .out_step(out_step), .out_valid(out_valid), .out_ready(1'b1),
        .running(running));

    initial begin
        $readmemh("cfg.hex", cfg);
        if (STIM_LINES > 0)
            $readmemh("stim.hex", stim);
        fspikes = $fopen("spikes.txt", "w");
        fread = $fopen("readback.hex", "w");
        repeat (4) @(posedge clk);
        rst <= 1'b0;
    end

    always @(posedge clk) begin
        if (!rst) begin
            cycles <= cycles + 1;
            if (ci < CFG_BYTES && cfg_ready)
                ci <= ci + 1;
            if (si < STIM_LINES && in_ready)
                si <= si + 1;
            if (out_valid)
                $fwrite(fspikes, "%0d %0d\n", out_step, out_slot);
            if (rd_valid) begin
                $fwrite(fread, "%02x\n", rd_data);
                rb <= rb + 1;
                if (rb + 1 == READ_BYTES) begin
                    $fwrite(fread, "cycles %0d\n", cycles);
                    $fclose(fspikes);
                    $fclose(fread);
                    $finish;
                end
            end
            if (cycles == MAX_CYCLES) begin
                $display("tb_snn: no result after %0d cycles", cycles);
                $fclose(fspikes);
                $fclose(fread);
                $finish;
            end
        end
    end
endmodule
`default_nettype wire
