/*
 * BG/NBD and Gamma-Gamma (src/learn/bgnbd): the published CDNOW estimates from the
 * summary file and from a summary rebuilt from the transaction log; every per-customer
 * quantity against tests/bgnbd_reference.py (the paper's formulas in mpmath/scipy, values
 * kept below; `test_bgnbd --reference FILE` compares against a fresh run of the script);
 * gradients against finite differences; the boundary on data drawn without dropout; the
 * batch scorer against the single-customer calls; bad input.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/rng.h"
#include "check.h"
#include "churnkit/bgnbd.h"

/* The parameter sets and CLV settings of tests/bgnbd_reference.py, in its order. */
static const ck_bgnbd_params REF_BG[] = { { 0.243, 4.414, 0.793, 2.426, false, false },
                                          { 0.5, 30.0, 1.0, 5.0, false, false },
                                          { 2.0, 10.0, 0.3, 0.6, false, false },
                                          { 0.8, 60.0, 3.5, 40.0, false, false } };
static const ck_gammagamma_params REF_GG[] = { { 6.25, 3.74, 15.44 }, { 1.5, 2.2, 40.0 } };
static const ck_clv_options REF_CLV[] = { { 365.0, 365.25, 0.10 },
                                          { 52.0, 365.25 / 7.0, 0.10 },
                                          { 730.0, 365.25, 0.0 } };

/* Generated once by `tests/bgnbd_reference.py --c`: kind set a1 a2 a3 a4 value. */
static const char *const REFERENCE[] = {
    "ll 0 0.0 0.0 38.86 0.0 -0.5547132764381585",
    "palive 0 0.0 0.0 38.86 0.0 1.0",
    "cond 0 0.0 0.0 38.86 39.0 0.19509805201126262",
    "cond 0 0.0 0.0 38.86 52.0 0.2520730222824589",
    "cond 0 0.0 0.0 38.86 365.0 1.159749558023396",
    "cond 0 0.0 0.0 38.86 1000.0 2.178395955534215",
    "ll 0 2.0 30.43 38.86 0.0 -9.45860630706627",
    "palive 0 2.0 30.43 38.86 0.0 0.726578570080673",
    "cond 0 2.0 30.43 38.86 39.0 1.2260281747671444",
    "cond 0 2.0 30.43 38.86 52.0 1.5587208064320879",
    "cond 0 2.0 30.43 38.86 365.0 6.0276720537906385",
    "cond 0 2.0 30.43 38.86 1000.0 10.120518988765317",
    "ll 0 1.0 1.71 38.86 0.0 -4.469093275032588",
    "palive 0 1.0 1.71 38.86 0.0 0.21210098537737912",
    "cond 0 1.0 1.71 38.86 39.0 0.20318698707975405",
    "cond 0 1.0 1.71 38.86 52.0 0.25982346486862246",
    "cond 0 1.0 1.71 38.86 365.0 1.0641639400673475",
    "cond 0 1.0 1.71 38.86 1000.0 1.8453484429933649",
    "ll 0 7.0 35.0 39.0 0.0 -22.156648373962284",
    "palive 0 7.0 35.0 39.0 0.0 0.8406589827265392",
    "cond 0 7.0 35.0 39.0 39.0 4.35980950643643",
    "cond 0 7.0 35.0 39.0 52.0 5.486378297284923",
    "cond 0 7.0 35.0 39.0 365.0 19.43645381061079",
    "cond 0 7.0 35.0 39.0 1000.0 31.351529815473484",
    "ll 0 50.0 300.0 310.0 0.0 -146.7681547282123",
    "palive 0 50.0 300.0 310.0 0.0 0.9274473222881612",
    "cond 0 50.0 300.0 310.0 39.0 5.524334271318999",
    "cond 0 50.0 300.0 310.0 52.0 7.26179406613749",
    "cond 0 50.0 300.0 310.0 365.0 39.28837934515885",
    "cond 0 50.0 300.0 310.0 1000.0 78.7173727077876",
    "ll 0 500.0 3000.0 3100.0 0.0 -1410.9069979901583",
    "palive 0 500.0 3000.0 3100.0 0.0 4.8699999055861425e-05",
    "cond 0 500.0 3000.0 3100.0 39.0 0.0003045445658709932",
    "cond 0 500.0 3000.0 3100.0 52.0 0.0004053961315916442",
    "cond 0 500.0 3000.0 3100.0 365.0 0.002739935408945203",
    "cond 0 500.0 3000.0 3100.0 1000.0 0.007006008691326156",
    "ll 0 10000.0 99000.0 100000.0 0.0 -32947.06994954444",
    "palive 0 10000.0 99000.0 100000.0 0.0 2.8419103051313674e-40",
    "cond 0 10000.0 99000.0 100000.0 39.0 1.1081517262109238e-39",
    "cond 0 10000.0 99000.0 100000.0 52.0 1.4774595233963792e-39",
    "cond 0 10000.0 99000.0 100000.0 365.0 1.0357791372228248e-38",
    "cond 0 10000.0 99000.0 100000.0 1000.0 2.830655542270963e-38",
    "ll 0 3.0 0.5 200.0 0.0 -7.566930389837247",
    "palive 0 3.0 0.5 200.0 0.0 3.133738954286118e-05",
    "cond 0 3.0 0.5 200.0 39.0 1.8463989449597697e-05",
    "cond 0 3.0 0.5 200.0 52.0 2.4246833388688983e-05",
    "cond 0 3.0 0.5 200.0 365.0 0.0001298338183093355",
    "cond 0 3.0 0.5 200.0 1000.0 0.0002593642422318571",
    "ll 0 40.0 20.0 400.0 0.0 -28.269525486832876",
    "palive 0 40.0 20.0 400.0 0.0 4.51073859888112e-48",
    "cond 0 40.0 20.0 400.0 39.0 1.6899876568378467e-47",
    "cond 0 40.0 20.0 400.0 52.0 2.2282024692285436e-47",
    "cond 0 40.0 20.0 400.0 365.0 1.261220284129248e-46",
    "cond 0 40.0 20.0 400.0 1000.0 2.6205680314027466e-46",
    "uncond 0 0.0 0.0 0.0 39.0 1.196723193320817",
    "uncond 0 0.0 0.0 0.0 52.0 1.4460505953964038",
    "uncond 0 0.0 0.0 0.0 365.0 4.2289012143013665",
    "uncond 0 0.0 0.0 0.0 1000.0 6.580391613738232",
    "ll 1 0.0 0.0 38.86 0.0 -0.41543903812411115",
    "palive 1 0.0 0.0 38.86 0.0 1.0",
    "cond 1 0.0 0.0 38.86 39.0 0.2654269170789787",
    "cond 1 0.0 0.0 38.86 52.0 0.34711565833732655",
    "cond 1 0.0 0.0 38.86 365.0 1.781521644919549",
    "cond 1 0.0 0.0 38.86 1000.0 3.4876777053271293",
    "ll 1 2.0 30.43 38.86 0.0 -9.295907551084019",
    "palive 1 2.0 30.43 38.86 0.0 0.8123396712568088",
    "cond 1 2.0 30.43 38.86 39.0 1.0296252938320614",
    "cond 1 2.0 30.43 38.86 52.0 1.3292960650834167",
    "cond 1 2.0 30.43 38.86 365.0 5.755415072703933",
    "cond 1 2.0 30.43 38.86 1000.0 9.86175057785112",
    "ll 1 1.0 1.71 38.86 0.0 -5.0282814328024825",
    "palive 1 1.0 1.71 38.86 0.0 0.6097527080888112",
    "cond 1 1.0 1.71 38.86 39.0 0.4728008296091253",
    "cond 1 1.0 1.71 38.86 52.0 0.6136695983220163",
    "cond 1 1.0 1.71 38.86 365.0 2.839698663057484",
    "cond 1 1.0 1.71 38.86 1000.0 5.100627871290517",
    "ll 1 7.0 35.0 39.0 0.0 -23.835648588210095",
    "palive 1 7.0 35.0 39.0 0.0 0.8754467522193061",
    "cond 1 7.0 35.0 39.0 39.0 3.161293944890619",
    "cond 1 7.0 35.0 39.0 52.0 4.029241492578491",
    "cond 1 7.0 35.0 39.0 365.0 15.18487508853693",
    "cond 1 7.0 35.0 39.0 1000.0 24.03409748761977",
    "ll 1 50.0 300.0 310.0 0.0 -149.03184756252142",
    "palive 1 50.0 300.0 310.0 0.0 0.9228282304683828",
    "cond 1 50.0 300.0 310.0 39.0 5.082073366790702",
    "cond 1 50.0 300.0 310.0 52.0 6.668841398570024",
    "cond 1 50.0 300.0 310.0 365.0 34.806675838739224",
    "cond 1 50.0 300.0 310.0 1000.0 66.3906130815731",
    "ll 1 500.0 3000.0 3100.0 0.0 -1413.6536227191605",
    "palive 1 500.0 3000.0 3100.0 0.0 4.410684607981336e-05",
    "cond 1 500.0 3000.0 3100.0 39.0 0.0002733772978055279",
    "cond 1 500.0 3000.0 3100.0 52.0 0.00036376248524305337",
    "cond 1 500.0 3000.0 3100.0 365.0 0.0024360856533540824",
    "cond 1 500.0 3000.0 3100.0 1000.0 0.006127208293586787",
    "ll 1 10000.0 99000.0 100000.0 0.0 -32948.89397896055",
    "palive 1 10000.0 99000.0 100000.0 0.0 2.3072485708523635e-40",
    "cond 1 10000.0 99000.0 100000.0 39.0 8.994268079713344e-40",
    "cond 1 10000.0 99000.0 100000.0 52.0 1.199157884089947e-39",
    "cond 1 10000.0 99000.0 100000.0 365.0 8.404035979785299e-39",
    "cond 1 10000.0 99000.0 100000.0 1000.0 2.2952234193998785e-38",
    "ll 1 3.0 0.5 200.0 0.0 -12.042823127429761",
    "palive 1 3.0 0.5 200.0 0.0 0.005909165063276709",
    "cond 1 3.0 0.5 200.0 39.0 0.003366898752363251",
    "cond 1 3.0 0.5 200.0 52.0 0.004431590622401324",
    "cond 1 3.0 0.5 200.0 365.0 0.024350503737600778",
    "cond 1 3.0 0.5 200.0 1000.0 0.04883558466329134",
    "ll 1 40.0 20.0 400.0 0.0 -54.81703711412263",
    "palive 1 40.0 20.0 400.0 0.0 6.255548579866293e-37",
    "cond 1 40.0 20.0 400.0 39.0 2.2086559902475857e-36",
    "cond 1 40.0 20.0 400.0 52.0 2.9078985738636863e-36",
    "cond 1 40.0 20.0 400.0 365.0 1.5970276206602298e-35",
    "cond 1 40.0 20.0 400.0 1000.0 3.176964133370397e-35",
    "uncond 1 0.0 0.0 0.0 39.0 0.5677351926475004",
    "uncond 1 0.0 0.0 0.0 52.0 0.7297036891361744",
    "uncond 1 0.0 0.0 0.0 365.0 3.129311207273228",
    "uncond 1 0.0 0.0 0.0 1000.0 5.509172961923855",
    "ll 2 0.0 0.0 38.86 0.0 -3.1727479456710976",
    "palive 2 0.0 0.0 38.86 0.0 1.0",
    "cond 2 0.0 0.0 38.86 39.0 1.2199667373157148",
    "cond 2 0.0 0.0 38.86 52.0 1.536050976067395",
    "cond 2 0.0 0.0 38.86 365.0 6.4663860518985015",
    "cond 2 0.0 0.0 38.86 1000.0 13.138352386851368",
    "ll 2 2.0 30.43 38.86 0.0 -9.399789098290391",
    "palive 2 2.0 30.43 38.86 0.0 0.7143138303923096",
    "cond 2 2.0 30.43 38.86 39.0 1.9636887653810011",
    "cond 2 2.0 30.43 38.86 52.0 2.5283644006151373",
    "cond 2 2.0 30.43 38.86 365.0 12.322413598687813",
    "cond 2 2.0 30.43 38.86 1000.0 26.22841994279286",
    "ll 2 1.0 1.71 38.86 0.0 -3.154464488272857",
    "palive 2 1.0 1.71 38.86 0.0 0.026794451384938512",
    "cond 2 1.0 1.71 38.86 39.0 0.053721010437381214",
    "cond 2 1.0 1.71 38.86 52.0 0.06880965573007516",
    "cond 2 1.0 1.71 38.86 365.0 0.3239941747282534",
    "cond 2 1.0 1.71 38.86 1000.0 0.6818828730113271",
    "ll 2 7.0 35.0 39.0 0.0 -20.649656620599146",
    "palive 2 7.0 35.0 39.0 0.0 0.9108958112650687",
    "cond 2 7.0 35.0 39.0 39.0 5.814195798922154",
    "cond 2 7.0 35.0 39.0 52.0 7.534961816424719",
    "cond 2 7.0 35.0 39.0 365.0 38.38814834661834",
    "cond 2 7.0 35.0 39.0 1000.0 82.95369875191615",
    "ll 2 50.0 300.0 310.0 0.0 -144.41385774773872",
    "palive 2 50.0 300.0 310.0 0.0 0.9694401393845118",
    "cond 2 50.0 300.0 310.0 39.0 6.032870191159901",
    "cond 2 50.0 300.0 310.0 52.0 7.997757033677296",
    "cond 2 50.0 300.0 310.0 365.0 50.4716625958345",
    "cond 2 50.0 300.0 310.0 1000.0 121.38739750130141",
    "ll 2 500.0 3000.0 3100.0 0.0 -1408.3288806996761",
    "palive 2 500.0 3000.0 3100.0 0.0 0.00012477066248451745",
    "cond 2 500.0 3000.0 3100.0 39.0 0.0007839777690565312",
    "cond 2 500.0 3000.0 3100.0 52.0 0.0010446525801366792",
    "cond 2 500.0 3000.0 3100.0 365.0 0.007227303486408001",
    "cond 2 500.0 3000.0 3100.0 1000.0 0.01927992139720542",
    "ll 2 10000.0 99000.0 100000.0 0.0 -32943.53308647196",
    "palive 2 10000.0 99000.0 100000.0 0.0 7.421043669403848e-40",
    "cond 2 10000.0 99000.0 100000.0 39.0 2.8943271047859878e-39",
    "cond 2 10000.0 99000.0 100000.0 52.0 3.8590275708694226e-39",
    "cond 2 10000.0 99000.0 100000.0 365.0 2.707470807593656e-38",
    "cond 2 10000.0 99000.0 100000.0 1000.0 7.41069977331128e-38",
    "ll 2 3.0 0.5 200.0 0.0 -6.819648467504874",
    "palive 2 3.0 0.5 200.0 0.0 2.708325998283755e-06",
    "cond 2 3.0 0.5 200.0 39.0 2.417936389120808e-06",
    "cond 2 3.0 0.5 200.0 52.0 3.1862452146232214e-06",
    "cond 2 3.0 0.5 200.0 365.0 1.8601937561212928e-05",
    "cond 2 3.0 0.5 200.0 1000.0 4.246879412900472e-05",
    "ll 2 40.0 20.0 400.0 0.0 -30.534107625046058",
    "palive 2 40.0 20.0 400.0 0.0 2.6469433536075364e-46",
    "cond 2 40.0 20.0 400.0 39.0 1.042272582976017e-45",
    "cond 2 40.0 20.0 400.0 52.0 1.3832932970616742e-45",
    "cond 2 40.0 20.0 400.0 365.0 8.880816799650681e-45",
    "cond 2 40.0 20.0 400.0 1000.0 2.1665574791651972e-44",
    "uncond 2 0.0 0.0 0.0 39.0 4.0668142791304325",
    "uncond 2 0.0 0.0 0.0 52.0 4.99870550556641",
    "uncond 2 0.0 0.0 0.0 365.0 19.697197252298373",
    "uncond 2 0.0 0.0 0.0 1000.0 39.852880540956384",
    "ll 3 0.0 0.0 38.86 0.0 -0.3994881165253701",
    "palive 3 0.0 0.0 38.86 0.0 1.0",
    "cond 3 0.0 0.0 38.86 39.0 0.3069033563723009",
    "cond 3 0.0 0.0 38.86 52.0 0.4055199606101216",
    "cond 3 0.0 0.0 38.86 365.0 2.3600051571374507",
    "cond 3 0.0 0.0 38.86 1000.0 4.908373117720528",
    "ll 3 2.0 30.43 38.86 0.0 -9.284086125519815",
    "palive 3 2.0 30.43 38.86 0.0 0.90125512881125",
    "cond 3 2.0 30.43 38.86 39.0 0.9414099638061305",
    "cond 3 2.0 30.43 38.86 52.0 1.2329574406555528",
    "cond 3 2.0 30.43 38.86 365.0 6.085099435413166",
    "cond 3 2.0 30.43 38.86 1000.0 10.409079834904006",
    "ll 3 1.0 1.71 38.86 0.0 -5.114265933634008",
    "palive 3 1.0 1.71 38.86 0.0 0.8303135104601368",
    "cond 3 1.0 1.71 38.86 39.0 0.5651888501859115",
    "cond 3 1.0 1.71 38.86 52.0 0.7433968742830505",
    "cond 3 1.0 1.71 38.86 365.0 3.9647532731237933",
    "cond 3 1.0 1.71 38.86 1000.0 7.394898873638742",
    "ll 3 7.0 35.0 39.0 0.0 -25.04285687300445",
    "palive 3 7.0 35.0 39.0 0.0 0.9050107720631344",
    "cond 3 7.0 35.0 39.0 39.0 2.480584550805805",
    "cond 3 7.0 35.0 39.0 52.0 3.1914402716650856",
    "cond 3 7.0 35.0 39.0 365.0 11.864018794498772",
    "cond 3 7.0 35.0 39.0 1000.0 15.948762141496287",
    "ll 3 50.0 300.0 310.0 0.0 -152.22151827067214",
    "palive 3 50.0 300.0 310.0 0.0 0.8634217439880872",
    "cond 3 50.0 300.0 310.0 39.0 4.189385618051556",
    "cond 3 50.0 300.0 310.0 52.0 5.413606602963983",
    "cond 3 50.0 300.0 310.0 365.0 21.07108611525541",
    "cond 3 50.0 300.0 310.0 1000.0 28.61643412624303",
    "ll 3 500.0 3000.0 3100.0 0.0 -1420.3429423651892",
    "palive 3 500.0 3000.0 3100.0 0.0 1.5613970208741266e-05",
    "cond 3 500.0 3000.0 3100.0 39.0 9.461415551600166e-05",
    "cond 3 500.0 3000.0 3100.0 52.0 0.00012533010141960827",
    "cond 3 500.0 3000.0 3100.0 365.0 0.0007581339327610478",
    "cond 3 500.0 3000.0 3100.0 1000.0 0.001602888404358993",
    "ll 3 10000.0 99000.0 100000.0 0.0 -32960.99792413822",
    "palive 3 10000.0 99000.0 100000.0 0.0 6.798039135415001e-41",
    "cond 3 10000.0 99000.0 100000.0 39.0 2.648058555722035e-40",
    "cond 3 10000.0 99000.0 100000.0 52.0 3.5299458538979833e-40",
    "cond 3 10000.0 99000.0 100000.0 365.0 2.4643145341728273e-39",
    "cond 3 10000.0 99000.0 100000.0 1000.0 6.677909891106162e-39",
    "ll 3 3.0 0.5 200.0 0.0 -13.605037170485545",
    "palive 3 3.0 0.5 200.0 0.0 0.04497465541171678",
    "cond 3 3.0 0.5 200.0 39.0 0.02495946167006622",
    "cond 3 3.0 0.5 200.0 52.0 0.032989382377287234",
    "cond 3 3.0 0.5 200.0 365.0 0.1914246411857673",
    "cond 3 3.0 0.5 200.0 1000.0 0.38733239348822585",
    "ll 3 40.0 20.0 400.0 0.0 -71.5723817903076",
    "palive 3 40.0 20.0 400.0 0.0 2.2861829609365205e-30",
    "cond 3 40.0 20.0 400.0 39.0 7.356532011791761e-30",
    "cond 3 40.0 20.0 400.0 52.0 9.58310681450634e-30",
    "cond 3 40.0 20.0 400.0 365.0 4.232635410611723e-29",
    "cond 3 40.0 20.0 400.0 1000.0 6.310307779904432e-29",
    "uncond 3 0.0 0.0 0.0 39.0 0.4969225127851471",
    "uncond 3 0.0 0.0 0.0 52.0 0.6530621379831966",
    "uncond 3 0.0 0.0 0.0 365.0 3.4674504549974414",
    "uncond 3 0.0 0.0 0.0 1000.0 6.572548661346176",
    "ggll 0 1.0 10.0 0.0 0.0 -3.921350502111969",
    "ggspend 0 1.0 10.0 0.0 0.0 17.68631813125695",
    "ggll 0 2.0 22.35 0.0 0.0 -3.5513167597317103",
    "ggspend 0 2.0 22.35 0.0 0.0 24.663713910761157",
    "ggll 0 50.0 100.0 0.0 0.0 -7.17212596263677",
    "ggspend 0 50.0 100.0 0.0 0.0 99.43693693693693",
    "ggll 0 10000.0 35.5 0.0 0.0 -4.022831045083965",
    "ggspend 0 10000.0 35.5 0.0 0.0 35.49998768054009",
    "ggll 1 1.0 10.0 0.0 0.0 -3.7557506770264633",
    "ggspend 1 1.0 10.0 0.0 0.0 27.777777777777775",
    "ggll 1 2.0 22.35 0.0 0.0 -3.9812266308726656",
    "ggspend 1 2.0 22.35 0.0 0.0 30.25",
    "ggll 1 50.0 100.0 0.0 0.0 -6.423608339199495",
    "ggspend 1 50.0 100.0 0.0 0.0 99.21259842519684",
    "ggll 1 10000.0 35.5 0.0 0.0 -4.202099568339911",
    "ggspend 1 10000.0 35.5 0.0 0.0 35.50115990720742",
    "clv0 0 0.0 0.0 38.86 25.0 27.742669067556577",
    "clv0 0 2.0 30.43 38.86 25.0 144.6448039564927",
    "clv0 0 1.0 1.71 38.86 25.0 25.509983620414076",
    "clv0 0 7.0 35.0 39.0 25.0 467.1387205622581",
    "clv0 0 50.0 300.0 310.0 25.0 937.5108072466188",
    "clv1 0 0.0 0.0 38.86 25.0 6.000913282156501",
    "clv1 0 2.0 30.43 38.86 25.0 37.15147295958393",
    "clv1 0 1.0 1.71 38.86 25.0 6.19008620943493",
    "clv1 0 7.0 35.0 39.0 25.0 130.87063269534994",
    "clv1 0 50.0 300.0 310.0 25.0 172.66357819972157",
    "clv2 0 0.0 0.0 38.86 25.0 45.227970076259915",
    "clv2 0 2.0 30.43 38.86 25.0 217.61443454874293",
    "clv2 0 1.0 1.71 38.86 25.0 39.29752320966553",
    "clv2 0 7.0 35.0 39.0 25.0 681.8807848587152",
    "clv2 0 50.0 300.0 310.0 25.0 1608.3432152401017",
    "clv0 1 0.0 0.0 38.86 25.0 42.54522134459324",
    "clv0 1 2.0 30.43 38.86 25.0 137.87703830156943",
    "clv0 1 1.0 1.71 38.86 25.0 67.94458399280641",
    "clv0 1 7.0 35.0 39.0 25.0 364.70060184870295",
    "clv0 1 50.0 300.0 310.0 25.0 831.1667708542635",
    "clv1 1 0.0 0.0 38.86 25.0 8.256298887823446",
    "clv1 1 2.0 30.43 38.86 25.0 31.646092448536955",
    "clv1 1 1.0 1.71 38.86 25.0 14.603956208378385",
    "clv1 1 7.0 35.0 39.0 25.0 96.01250478359087",
    "clv1 1 50.0 300.0 310.0 25.0 158.58288578377264",
    "clv2 1 0.0 0.0 38.86 25.0 71.70193740510344",
    "clv2 1 2.0 30.43 38.86 25.0 211.66573262738723",
    "clv2 1 1.0 1.71 38.86 25.0 107.8724558863601",
    "clv2 1 7.0 35.0 39.0 25.0 528.0900648582094",
    "clv2 1 50.0 300.0 310.0 25.0 1381.406676007338",
};

/* Compare one reference line to churnkit; 1 when it matches to 1e-8 relative. */
static int check_reference_line(const char *line, double *worst)
{
    char kind[16];
    int set;
    double a1, a2, a3, a4, want, got = NAN;
    if (sscanf(line, "%15s %d %lf %lf %lf %lf %lf", kind, &set, &a1, &a2, &a3, &a4, &want) != 7)
        return 0;
    ck_error err = { 0 };
    int rc = -1;
    if (strcmp(kind, "ll") == 0) {
        ck_bgnbd_data d = { &a1, &a2, &a3, NULL, 1 };
        rc = ck_bgnbd_log_likelihood(&REF_BG[set], &d, &got, NULL, &err);
    } else if (strcmp(kind, "palive") == 0) {
        rc = ck_bgnbd_p_alive(&got, &REF_BG[set], a1, a2, a3, &err);
    } else if (strcmp(kind, "cond") == 0) {
        rc = ck_bgnbd_expected_purchases(&got, &REF_BG[set], a1, a2, a3, a4, &err);
    } else if (strcmp(kind, "uncond") == 0) {
        rc = ck_bgnbd_expected_unconditional(&got, &REF_BG[set], a4, &err);
    } else if (strcmp(kind, "ggll") == 0) {
        double t = a1 > 0 ? 1.0 : 0.0, T = 1.0;
        ck_bgnbd_data d = { &a1, &t, &T, &a2, 1 };
        rc = ck_gammagamma_log_likelihood(&REF_GG[set], &d, &got, NULL, &err);
    } else if (strcmp(kind, "ggspend") == 0) {
        rc = ck_gammagamma_expected_spend(&got, &REF_GG[set], a1, a2, &err);
    } else if (strncmp(kind, "clv", 3) == 0) {
        rc = ck_bgnbd_clv(&got, &REF_BG[set], a1, a2, a3, a4, &REF_CLV[atoi(kind + 3)], &err);
    }
    double rel = fabs(got - want) / fmax(fabs(want), 1e-300);
    if (rc != 0 || !(rel <= 1e-8)) {
        fprintf(stderr, "reference mismatch: %s: got %.17g (rc %d %s), rel %.3g\n", line, got, rc,
                err.msg, rel);
        return 0;
    }
    *worst = fmax(*worst, rel);
    return 1;
}

static void test_bgnbd__reference_values(void)
{
    size_t n = sizeof REFERENCE / sizeof *REFERENCE;
    double worst = 0.0;
    CHECK(n >= 250);
    for (size_t i = 0; i < n; i++)
        CHECK(check_reference_line(REFERENCE[i], &worst));
    printf("reference: %zu values, worst relative difference %.3g\n", n, worst);
}

/* --reference FILE: the lines of a fresh run of the script. */
static int compare_reference_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    char line[512];
    size_t n = 0;
    double worst = 0.0;
    while (fgets(line, sizeof line, f)) {
        n++;
        CHECK(check_reference_line(line, &worst));
    }
    fclose(f);
    CHECK(n >= 250);
    printf("reference file: %zu values, worst relative difference %.3g\n", n, worst);
    return check_summary();
}

/* ---- CDNOW ---- */

typedef struct summary {
    size_t n;
    double *x, *t_x, *T, *zbar;
} summary;

static void summary_free(summary *s)
{
    free(s->x);
    free(s->t_x);
    free(s->T);
    free(s->zbar);
}

/* ID,x,t_x,T[,zbar] with a header line. */
static int read_summary(summary *s, const char *name, int columns)
{
    char path[512], line[256];
    snprintf(path, sizeof path, "%s/cdnow/%s", CK_TEST_DATA, name);
    gzFile f = gzopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t cap = 4096;
    memset(s, 0, sizeof *s);
    s->x = malloc(cap * sizeof(double));
    s->t_x = malloc(cap * sizeof(double));
    s->T = malloc(cap * sizeof(double));
    s->zbar = malloc(cap * sizeof(double));
    if (gzgets(f, line, sizeof line) == NULL) /* header */
        goto fail;
    while (gzgets(f, line, sizeof line) && s->n < cap) {
        long id;
        double z = 0;
        int got =
            sscanf(line, "%ld,%lf,%lf,%lf,%lf", &id, &s->x[s->n], &s->t_x[s->n], &s->T[s->n], &z);
        if (got != columns)
            goto fail;
        s->zbar[s->n++] = z;
    }
    gzclose(f);
    return 0;
fail:
    gzclose(f);
    return -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* CDNOW_sample.txt: master id, sample id 1..2357, YYYYMMDD, CDs, dollars; into the
 * summary as of 1997-09-30 in weeks. */
static int rebuild_summary(summary *s)
{
    char path[512], line[256];
    snprintf(path, sizeof path, "%s/cdnow/CDNOW_sample.txt.gz", CK_TEST_DATA);
    gzFile f = gzopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t cap = 8192, n = 0, n_customers = 0;
    size_t *cust = malloc(cap * sizeof *cust);
    long *day = malloc(cap * sizeof *day);
    double *amount = malloc(cap * sizeof *amount);
    while (gzgets(f, line, sizeof line) && n < cap) {
        long master, id, date, cds;
        double dollars;
        if (sscanf(line, "%ld %ld %ld %ld %lf", &master, &id, &date, &cds, &dollars) != 5)
            break;
        cust[n] = (size_t)(id - 1);
        day[n] = days_from_civil(date / 10000, date / 100 % 100, date % 100);
        amount[n++] = dollars;
        if ((size_t)id > n_customers)
            n_customers = (size_t)id;
    }
    gzclose(f);
    memset(s, 0, sizeof *s);
    s->n = n_customers;
    s->x = malloc(n_customers * sizeof(double));
    s->t_x = malloc(n_customers * sizeof(double));
    s->T = malloc(n_customers * sizeof(double));
    s->zbar = malloc(n_customers * sizeof(double));
    ck_error err = { 0 };
    int rc = n == 6919 ? 0 : -1;
    if (rc == 0)
        rc = ck_bgnbd_summarise(cust, day, amount, n, n_customers, days_from_civil(1997, 9, 30),
                                7.0, s->x, s->t_x, s->T, s->zbar, NULL, &err);
    free(cust);
    free(day);
    free(amount);
    return rc;
}

/* Fader, Hardie & Lee 2005, section 5: r = 0.243, α = 4.414, a = 0.793, b = 2.426,
 * LL = −9582.4; within half a unit of the last printed digit. */
static void check_published_bgnbd(const summary *s)
{
    ck_error err = { 0 };
    ck_bgnbd_fit fit;
    ck_bgnbd_data d = { s->x, s->t_x, s->T, NULL, s->n };
    CHECK_OK(ck_bgnbd_fit_data(&fit, &d, NULL, &err));
    CHECK(fit.converged);
    CHECK(!fit.at_boundary);
    CHECK_EQ_INT(fit.n_customers, 2357);
    CHECK_NEAR(fit.params.r, 0.243, 0.0005);
    CHECK_NEAR(fit.params.alpha, 4.414, 0.0005);
    CHECK_NEAR(fit.params.a, 0.793, 0.0005);
    CHECK_NEAR(fit.params.b, 2.426, 0.0005);
    CHECK_NEAR(fit.log_likelihood, -9582.4, 0.05);
    CHECK(fit.has_se);
    CHECK(fit.nbd_log_likelihood < fit.log_likelihood);
    printf("bg/nbd: r %.6f (%.4f) alpha %.6f (%.4f) a %.6f (%.4f) b %.6f (%.4f) ll %.4f, "
           "nbd ll %.4f, %zu groups, %d iterations\n",
           fit.params.r, fit.se_r, fit.params.alpha, fit.se_alpha, fit.params.a, fit.se_a,
           fit.params.b, fit.se_b, fit.log_likelihood, fit.nbd_log_likelihood, fit.n_groups,
           fit.iterations);
}

/* Fader, Hardie & Lee 2005 (JMR) and the 2013 note: p = 6.25, q = 3.74, γ = 15.44 on the
 * 946 repeat buyers. The likelihood is flat in γ (its standard error is about 4): on the
 * summary file, whose mean spend is rounded to cents, the maximum is at γ = 15.4477
 * (15.45, as lifetimes prints; scipy's Nelder-Mead on that file finds the same), on the
 * unrounded spend of the rebuilt summary at 15.4435. */
static void check_published_gammagamma(const summary *s, double gamma)
{
    ck_error err = { 0 };
    ck_gammagamma_fit fit;
    ck_bgnbd_data d = { s->x, s->t_x, s->T, s->zbar, s->n };
    CHECK_OK(ck_gammagamma_fit_data(&fit, &d, NULL, &err));
    CHECK(fit.converged);
    CHECK_EQ_INT(fit.n_customers, 946);
    CHECK_NEAR(fit.params.p, 6.25, 0.005);
    CHECK_NEAR(fit.params.q, 3.74, 0.005);
    CHECK_NEAR(fit.params.gamma, gamma, 0.005);
    CHECK(fit.has_se);
    printf("gamma-gamma: p %.6f (%.4f) q %.6f (%.4f) gamma %.6f (%.4f) ll %.4f, "
           "corr(x, mean spend) %.4f\n",
           fit.params.p, fit.se_p, fit.params.q, fit.se_q, fit.params.gamma, fit.se_gamma,
           fit.log_likelihood, fit.spend_frequency_correlation);
}

static void test_bgnbd__cdnow_summary(void)
{
    summary s, sz;
    CHECK(read_summary(&s, "cdnow_customers_summary.csv.gz", 4) == 0);
    CHECK_EQ_INT(s.n, 2357);
    check_published_bgnbd(&s);
    CHECK(read_summary(&sz, "cdnow_customers_summary_with_transactions.csv.gz", 5) == 0);
    CHECK_EQ_INT(sz.n, 2357);
    check_published_gammagamma(&sz, 15.45);
    summary_free(&s);
    summary_free(&sz);
}

/* The summary rebuilt from the log equals the file's (rounded to 2 decimals) row by row,
 * and gives the same published figures. */
static void test_bgnbd__cdnow_rebuilt(void)
{
    summary file, built;
    CHECK(read_summary(&file, "cdnow_customers_summary_with_transactions.csv.gz", 5) == 0);
    CHECK(rebuild_summary(&built) == 0);
    CHECK_EQ_INT(built.n, 2357);
    size_t bad = 0;
    for (size_t i = 0; i < built.n && i < file.n; i++)
        if (built.x[i] != file.x[i] || fabs(built.t_x[i] - file.t_x[i]) > 0.005 + 1e-9 ||
            fabs(built.T[i] - file.T[i]) > 0.005 + 1e-9 ||
            fabs(built.zbar[i] - file.zbar[i]) > 0.005 + 1e-9) {
            if (bad++ < 5)
                fprintf(stderr, "row %zu: built %g %g %g %g, file %g %g %g %g\n", i + 1, built.x[i],
                        built.t_x[i], built.T[i], built.zbar[i], file.x[i], file.t_x[i], file.T[i],
                        file.zbar[i]);
        }
    CHECK_EQ_INT(bad, 0);
    check_published_bgnbd(&built);
    check_published_gammagamma(&built, 15.44);
    summary_free(&file);
    summary_free(&built);
}

/* ---- gradients, boundary, batch, bad input ---- */

/* The analytic gradient against central differences of the log-likelihood. The
 * log-likelihood is about −10^4 while ∂/∂a is about 4, so the step must be large enough
 * that rounding (1e-12 of 10^4, over 2h) stays small: h = 1e-4 relative, truncation
 * h² f‴/6 near 1e-8 relative. (At the first point mpmath's numerical derivative of the
 * 30-digit likelihood gives ∂a = −4.19899881755, ∂b = 2.10320774785, also checked.) */
static void test_bgnbd__gradient(void)
{
    summary s;
    CHECK(read_summary(&s, "cdnow_customers_summary_with_transactions.csv.gz", 5) == 0);
    ck_error err = { 0 };
    ck_bgnbd_data d = { s.x, s.t_x, s.T, s.zbar, s.n };
    const ck_bgnbd_params points[] = { { 0.3, 5.0, 0.7, 2.0, false, false },
                                       { 1.7, 0.9, 3.0, 0.4, false, false },
                                       { 0.3, 5.0, 1.0, 1.0, true, false } };
    for (size_t k = 0; k < 3; k++) {
        double grad[4], v[4] = { points[k].r, points[k].alpha, points[k].a, points[k].b };
        CHECK_OK(ck_bgnbd_log_likelihood(&points[k], &d, NULL, grad, &err));
        for (int i = 0; i < (points[k].no_dropout ? 2 : 4); i++) {
            double h = 1e-4 * v[i], lp, lm, w[4];
            memcpy(w, v, sizeof w);
            w[i] = v[i] + h;
            ck_bgnbd_params pp = { w[0], w[1], w[2], w[3], points[k].no_dropout, false };
            CHECK_OK(ck_bgnbd_log_likelihood(&pp, &d, &lp, NULL, &err));
            w[i] = v[i] - h;
            ck_bgnbd_params pm = { w[0], w[1], w[2], w[3], points[k].no_dropout, false };
            CHECK_OK(ck_bgnbd_log_likelihood(&pm, &d, &lm, NULL, &err));
            double fd = (lp - lm) / (2 * h);
            CHECK_NEAR(grad[i], fd, 1e-6 * fmax(1.0, fabs(fd)));
        }
        if (k == 0) {
            CHECK_NEAR(grad[2], -4.19899881755, 1e-10);
            CHECK_NEAR(grad[3], 2.10320774785, 1e-10);
        }
    }
    const ck_gammagamma_params gp[] = { { 6.0, 3.5, 15.0 }, { 0.8, 1.5, 40.0 } };
    for (size_t k = 0; k < 2; k++) {
        double grad[3], v[3] = { gp[k].p, gp[k].q, gp[k].gamma };
        CHECK_OK(ck_gammagamma_log_likelihood(&gp[k], &d, NULL, grad, &err));
        for (int i = 0; i < 3; i++) {
            double h = 1e-4 * v[i], lp, lm, w[3];
            memcpy(w, v, sizeof w);
            w[i] = v[i] + h;
            ck_gammagamma_params pp = { w[0], w[1], w[2] };
            CHECK_OK(ck_gammagamma_log_likelihood(&pp, &d, &lp, NULL, &err));
            w[i] = v[i] - h;
            ck_gammagamma_params pm = { w[0], w[1], w[2] };
            CHECK_OK(ck_gammagamma_log_likelihood(&pm, &d, &lm, NULL, &err));
            double fd = (lp - lm) / (2 * h);
            CHECK_NEAR(grad[i], fd, 1e-6 * fmax(1.0, fabs(fd)));
        }
    }
    summary_free(&s);
}

/* n customers from the BG/NBD process (FHL section 2): λ ~ Gamma(r, 1/α), p ~ Beta(a, b)
 * (p = 0 when dropout is false); exponential gaps at rate λ, and after each repeat
 * purchase the customer leaves with probability p. T uniform on [t_min, t_max]. */
static void draw(summary *s, size_t n, const ck_bgnbd_params *p, bool dropout, double t_min,
                 double t_max, uint64_t seed)
{
    ck__rng rng;
    ck__rng_seed(&rng, seed, 0);
    s->n = n;
    s->x = malloc(n * sizeof(double));
    s->t_x = malloc(n * sizeof(double));
    s->T = malloc(n * sizeof(double));
    s->zbar = NULL;
    for (size_t i = 0; i < n; i++) {
        double lambda = ck__rng_gamma(&rng, p->r, 1.0 / p->alpha), drop = 0.0;
        if (dropout) {
            double g1 = ck__rng_gamma(&rng, p->a, 1.0), g2 = ck__rng_gamma(&rng, p->b, 1.0);
            drop = g1 / (g1 + g2);
        }
        double T = t_min + (t_max - t_min) * ck__rng_uniform(&rng), t = 0.0, x = 0.0, t_x = 0.0;
        for (;;) {
            t += ck__rng_exponential(&rng, 1.0 / lambda);
            if (t > T)
                break;
            x += 1.0;
            t_x = t;
            if (ck__rng_bernoulli(&rng, drop))
                break;
        }
        s->x[i] = x;
        s->t_x[i] = t_x;
        s->T[i] = T;
    }
}

/* No dropout in the data: the fit runs to the boundary, says so and becomes the NBD,
 * whose r and α come back within three standard errors; P(alive) is then 1. */
static void test_bgnbd__boundary(void)
{
    const ck_bgnbd_params truth = { 0.6, 20.0, 1.0, 1.0, true, false };
    summary s;
    draw(&s, 20000, &truth, false, 30.0, 365.0, 7);
    ck_error err = { 0 };
    ck_bgnbd_data d = { s.x, s.t_x, s.T, NULL, s.n };
    ck_bgnbd_fit fit;
    CHECK_OK(ck_bgnbd_fit_data(&fit, &d, NULL, &err));
    CHECK(fit.at_boundary);
    CHECK(fit.params.no_dropout);
    CHECK(!fit.has_se);
    CHECK(strstr(fit.message, "no dropout") != NULL);
    CHECK(fit.se_r > 0.0 && fit.se_alpha > 0.0);
    CHECK_NEAR(fit.params.r, truth.r, 3 * fit.se_r);
    CHECK_NEAR(fit.params.alpha, truth.alpha, 3 * fit.se_alpha);
    double alive, e, want;
    CHECK_OK(ck_bgnbd_p_alive(&alive, &fit.params, 5, 10.0, 300.0, &err));
    CHECK_NEAR(alive, 1.0, 0.0);
    CHECK_OK(ck_bgnbd_expected_purchases(&e, &fit.params, 5, 10.0, 300.0, 30.0, &err));
    want = (fit.params.r + 5) * 30.0 / (fit.params.alpha + 300.0);
    CHECK_NEAR(e, want, 1e-15 * want);
    printf("boundary: %s; nbd r %.4f (%.4f) alpha %.4f (%.4f)\n", fit.message, fit.params.r,
           fit.se_r, fit.params.alpha, fit.se_alpha);
    summary_free(&s);
}

/* The same-dropout limit's closed forms (bgnbd_same.c) agree with eq. A10, eq. 10 and
 * eq. 6 of a BG/NBD with the same mean and a + b = 10^5, to the O(1/(a+b)) the spread still
 * makes, on customers drawn with little spread (a + b = 200,000); the limit's gradient
 * agrees with central differences of its likelihood. A fit running to the limit is
 * cli.churn-train.bgnbd_same_dropout (here the draw's optimum stays interior, with a and b
 * barely identified, as the data allows). */
static void test_bgnbd__same_dropout(void)
{
    const ck_bgnbd_params truth = { 0.6, 20.0, 2e4, 1.8e5, false, false };
    summary s;
    draw(&s, 20000, &truth, true, 30.0, 365.0, 11);
    ck_error err = { 0 };
    ck_bgnbd_data d = { s.x, s.t_x, s.T, NULL, s.n };
    const ck_bgnbd_params same = { 0.6, 20.0, 0.2, 0.8, false, true };
    const ck_bgnbd_params wide = { 0.6, 20.0, 0.2e5, 0.8e5, false, false };
    const double cases[3][4] = { { 0, 0, 30, 10 }, { 3, 20, 30, 52 }, { 12, 300, 310, 365 } };
    for (size_t k = 0; k < 3; k++) {
        const double *c = cases[k];
        double a1, a2, e1, e2;
        CHECK_OK(ck_bgnbd_p_alive(&a1, &same, c[0], c[1], c[2], &err));
        CHECK_OK(ck_bgnbd_p_alive(&a2, &wide, c[0], c[1], c[2], &err));
        CHECK_NEAR(a1, a2, 1e-3 * a1);
        CHECK_OK(ck_bgnbd_expected_purchases(&e1, &same, c[0], c[1], c[2], c[3], &err));
        CHECK_OK(ck_bgnbd_expected_purchases(&e2, &wide, c[0], c[1], c[2], c[3], &err));
        CHECK_NEAR(e1, e2, 1e-3 * e1);
    }
    double ll_same, ll_wide, grad[4];
    CHECK_OK(ck_bgnbd_log_likelihood(&same, &d, &ll_same, grad, &err));
    CHECK_OK(ck_bgnbd_log_likelihood(&wide, &d, &ll_wide, NULL, &err));
    CHECK_NEAR(ll_same, ll_wide, 1e-3 * fabs(ll_same));
    const double h[3] = { 1e-6, 1e-5, 1e-7 };
    for (size_t i = 0; i < 3; i++) {
        ck_bgnbd_params up = same, down = same;
        double *u = i == 0 ? &up.r : i == 1 ? &up.alpha : &up.a;
        double *dn = i == 0 ? &down.r : i == 1 ? &down.alpha : &down.a;
        *u += h[i];
        *dn -= h[i];
        if (i == 2) { /* p moves with b = 1 − p */
            up.b -= h[i];
            down.b += h[i];
        }
        double lu, ld;
        CHECK_OK(ck_bgnbd_log_likelihood(&up, &d, &lu, NULL, &err));
        CHECK_OK(ck_bgnbd_log_likelihood(&down, &d, &ld, NULL, &err));
        double numeric = (lu - ld) / (2 * h[i]);
        CHECK_NEAR(grad[i], numeric, 1e-4 * fmax(1.0, fabs(numeric)));
    }
    CHECK_NEAR(grad[3], 0.0, 0.0);
    summary_free(&s);
}

/* With dropout (CDNOW's parameters in days), the fit is interior and recovers every
 * parameter within three standard errors. */
static void test_bgnbd__recovery(void)
{
    const ck_bgnbd_params truth = { 0.243, 4.414 * 7, 0.793, 2.426, false, false };
    summary s;
    draw(&s, 20000, &truth, true, 190.0, 273.0, 11);
    ck_error err = { 0 };
    ck_bgnbd_data d = { s.x, s.t_x, s.T, NULL, s.n };
    ck_bgnbd_fit fit;
    CHECK_OK(ck_bgnbd_fit_data(&fit, &d, NULL, &err));
    CHECK(fit.converged);
    CHECK(!fit.at_boundary);
    CHECK(fit.has_se);
    CHECK_NEAR(fit.params.r, truth.r, 3 * fit.se_r);
    CHECK_NEAR(fit.params.alpha, truth.alpha, 3 * fit.se_alpha);
    CHECK_NEAR(fit.params.a, truth.a, 3 * fit.se_a);
    CHECK_NEAR(fit.params.b, truth.b, 3 * fit.se_b);
    /* the sums go by fixed chunks of groups (20,000 groups: three chunks): the same fit,
     * bit for bit, on any number of threads */
    ck_bgnbd_fit_options o = CK_BGNBD_FIT_OPTIONS_INIT;
    o.n_threads = 3;
    ck_bgnbd_fit fit3;
    CHECK_OK(ck_bgnbd_fit_data(&fit3, &d, &o, &err));
    CHECK(fit3.n_groups > 16384);
    CHECK(fit3.params.r == fit.params.r && fit3.params.alpha == fit.params.alpha &&
          fit3.params.a == fit.params.a && fit3.params.b == fit.params.b);
    CHECK(fit3.log_likelihood == fit.log_likelihood && fit3.se_b == fit.se_b);
    o.n_threads = 0;
    CHECK(ck_bgnbd_fit_data(&fit3, &d, &o, &err) == CK_EINVAL);
    printf("recovery: r %.4f (%.4f) alpha %.3f (%.3f) a %.4f (%.4f) b %.3f (%.3f)\n", fit.params.r,
           fit.se_r, fit.params.alpha, fit.se_alpha, fit.params.a, fit.se_a, fit.params.b,
           fit.se_b);
    summary_free(&s);
}

/* Grouping changes nothing: duplicated rows count twice, order does not matter. */
static void test_bgnbd__grouping(void)
{
    const double x[] = { 2, 0, 2, 1, 0 }, t_x[] = { 3.5, 0, 3.5, 1, 0 }, T[] = { 9, 9, 9, 5, 9 };
    const double x2[] = { 0, 1, 2 }, t2[] = { 0, 1, 3.5 }, T2[] = { 9, 5, 9 };
    const ck_bgnbd_params p = { 0.4, 3.0, 0.8, 2.0, false, false };
    ck_error err = { 0 };
    double ll, l0, l1, l2, g[4];
    ck_bgnbd_data d = { x, t_x, T, NULL, 5 };
    CHECK_OK(ck_bgnbd_log_likelihood(&p, &d, &ll, g, &err));
    for (size_t i = 0; i < 3; i++) {
        ck_bgnbd_data one = { &x2[i], &t2[i], &T2[i], NULL, 1 };
        CHECK_OK(ck_bgnbd_log_likelihood(&p, &one, i == 0 ? &l0 : i == 1 ? &l1 : &l2, NULL, &err));
    }
    CHECK_NEAR(ll, 2 * l0 + l1 + 2 * l2, 1e-12 * fabs(ll));
}

/* The batch scorer equals the single-customer calls, for 1 and 3 threads; a bad row is
 * named by its line whatever the thread count. */
static void test_bgnbd__score_batch(void)
{
    summary s;
    CHECK(read_summary(&s, "cdnow_customers_summary_with_transactions.csv.gz", 5) == 0);
    const ck_bgnbd_params p = { 0.243, 4.414, 0.793, 2.426, false, false };
    const ck_gammagamma_params gg = { 6.25, 3.74, 15.44 };
    const ck_clv_options o = { 52.0, 365.25 / 7, 0.10 };
    ck_error err = { 0 };
    ck_bgnbd_data d = { s.x, s.t_x, s.T, s.zbar, s.n };
    for (int threads = 1; threads <= 3; threads += 2) {
        double *v = calloc(4 * s.n, sizeof *v);
        ck_bgnbd_scores out = { v, v + s.n, v + 2 * s.n, v + 3 * s.n };
        CHECK_OK(ck_bgnbd_score(&p, &gg, &d, &o, threads, &out, &err));
        size_t bad = 0;
        for (size_t i = 0; i < s.n; i++) {
            double a, e, m, c;
            CHECK_OK(ck_bgnbd_p_alive(&a, &p, s.x[i], s.t_x[i], s.T[i], &err));
            CHECK_OK(ck_bgnbd_expected_purchases(&e, &p, s.x[i], s.t_x[i], s.T[i], 52.0, &err));
            CHECK_OK(ck_gammagamma_expected_spend(&m, &gg, s.x[i], s.zbar[i], &err));
            CHECK_OK(ck_bgnbd_clv(&c, &p, s.x[i], s.t_x[i], s.T[i], m, &o, &err));
            bad += out.p_alive[i] != a || out.expected_purchases[i] != e ||
                   out.expected_spend[i] != m || out.clv[i] != c;
        }
        CHECK_EQ_INT(bad, 0);
        free(v);
    }
    /* rows 700 and 1500 broken: line 700 is reported with 1 and 2 threads */
    double keep = s.t_x[699], keep2 = s.T[1499];
    s.t_x[699] = s.T[699] + 1.0;
    s.T[1499] = -1.0;
    for (int threads = 1; threads <= 2; threads++) {
        double *v = calloc(s.n, sizeof *v);
        ck_bgnbd_scores out = { v, NULL, NULL, NULL };
        CHECK(ck_bgnbd_score(&p, NULL, &d, &o, threads, &out, &err) == CK_EINVAL);
        CHECK_EQ_INT(err.line, 700);
        CHECK(strstr(err.msg, "recency t_x must be in [0, T") != NULL);
        free(v);
    }
    s.t_x[699] = keep;
    s.T[1499] = keep2;
    summary_free(&s);
}

/* With no discount and a horizon of whole months, CLV is spend × E[Y(horizon)]; a
 * positive rate lowers it by less than the discount of the last month. */
static void test_bgnbd__clv_identity(void)
{
    const ck_bgnbd_params p = { 0.243, 4.414, 0.793, 2.426, false, false };
    ck_clv_options o = { 365.25 / 7, 365.25 / 7, 0.0 };
    ck_error err = { 0 };
    double e, clv0, clv1;
    CHECK_OK(ck_bgnbd_expected_purchases(&e, &p, 3, 20.0, 30.0, o.horizon, &err));
    CHECK_OK(ck_bgnbd_clv(&clv0, &p, 3, 20.0, 30.0, 40.0, &o, &err));
    CHECK_NEAR(clv0, 40.0 * e, 1e-12 * clv0);
    o.annual_discount = 0.10;
    CHECK_OK(ck_bgnbd_clv(&clv1, &p, 3, 20.0, 30.0, 40.0, &o, &err));
    CHECK(clv1 < clv0 && clv1 > clv0 / 1.10);
}

static void test_bgnbd__bad_input(void)
{
    ck_error err = { 0 };
    const ck_bgnbd_params p = { 0.243, 4.414, 0.793, 2.426, false, false };
    double v;
    CHECK(ck_bgnbd_check_customer(1.5, 1, 2, 4, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "repeat purchases x must be a whole number >= 0, got 1.5");
    CHECK_EQ_INT(err.line, 5);
    CHECK(ck_bgnbd_check_customer(-1, 0, 2, 0, &err) == CK_EINVAL);
    CHECK(ck_bgnbd_check_customer(0, 1, 2, 0, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "recency t_x must be 0 without repeat purchases, got 1");
    CHECK(ck_bgnbd_check_customer(2, 0, 2, 0, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "recency t_x must be > 0 with 2 repeat purchases");
    CHECK(ck_bgnbd_check_customer(2, 3, 2, 0, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "recency t_x must be in [0, T = 2], got 3");
    CHECK(ck_bgnbd_check_customer(0, 0, NAN, 0, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "age T must be >= 0, got nan");
    const ck_bgnbd_params bad = { 0.243, -4.0, 0.793, 2.426, false, false };
    CHECK(ck_bgnbd_p_alive(&v, &bad, 1, 1, 2, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "bg/nbd parameter alpha must be a positive number, got -4");
    CHECK(ck_bgnbd_expected_purchases(&v, &p, 1, 1, 2, -1.0, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "horizon must be >= 0, got -1");
    /* a horizon 10^9 times α + T: the series cannot finish, and says so */
    CHECK(ck_bgnbd_expected_purchases(&v, &p, 0, 0, 1, 5e9, &err) == CK_EINVAL);
    CHECK(strstr(err.msg, "did not converge") != NULL);

    ck_bgnbd_fit fit;
    ck_bgnbd_data none = { NULL, NULL, NULL, NULL, 0 };
    CHECK(ck_bgnbd_fit_data(&fit, &none, NULL, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "no customers to fit");
    const double zx[] = { 0, 0 }, zt[] = { 0, 0 }, zT[] = { 5, 6 };
    ck_bgnbd_data zero = { zx, zt, zT, NULL, 2 };
    CHECK(ck_bgnbd_fit_data(&fit, &zero, NULL, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "no repeat purchases among 2 customers: bg/nbd cannot be fit");
    const double bx[] = { 1, 2 }, bt[] = { 1, 7 }, bT[] = { 5, 6 };
    ck_bgnbd_data badrow = { bx, bt, bT, NULL, 2 };
    CHECK(ck_bgnbd_fit_data(&fit, &badrow, NULL, &err) == CK_EINVAL);
    CHECK_EQ_INT(err.line, 2);

    ck_gammagamma_fit gfit;
    CHECK(ck_gammagamma_fit_data(&gfit, &badrow, NULL, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "gamma-gamma needs the mean spend");
    const double m[] = { 10, 0 }, gx[] = { 1, 3 }, gt[] = { 1, 2 };
    ck_bgnbd_data badspend = { gx, gt, bT, m, 2 };
    CHECK(ck_gammagamma_fit_data(&gfit, &badspend, NULL, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "mean spend must be > 0 with 3 repeat purchases, got 0");
    CHECK_EQ_INT(err.line, 2);
    const ck_gammagamma_params q1 = { 2.0, 0.5, 10.0 };
    CHECK(ck_gammagamma_expected_spend(&v, &q1, 0, 0, &err) == CK_EINVAL);
    CHECK(strstr(err.msg, "expected spend is infinite") != NULL);
    CHECK_OK(ck_gammagamma_expected_spend(&v, &q1, 2, 10.0, &err));
    CHECK_NEAR(v, 2.0 * (10.0 + 20.0) / (4.0 + 0.5 - 1.0), 1e-15);
}

/* The summary of a hand-made log: same-day purchases merge, later ones are ignored. */
static void test_bgnbd__summarise(void)
{
    /* customer 0: days 10, 10, 12, 20, 40 (after the end 30); customer 1: day 31 only;
     * customer 2: day 30 only */
    const size_t cust[] = { 0, 0, 1, 0, 0, 0, 2 };
    const long day[] = { 10, 10, 31, 20, 12, 40, 30 };
    const double amount[] = { 5, 6, 9, 4, 8, 100, 3 };
    double x[3], t_x[3], T[3], m[3];
    bool has[3];
    ck_error err = { 0 };
    CHECK_OK(ck_bgnbd_summarise(cust, day, amount, 7, 3, 30, 1.0, x, t_x, T, m, has, &err));
    CHECK_NEAR(x[0], 2, 0);
    CHECK_NEAR(t_x[0], 10, 0);
    CHECK_NEAR(T[0], 20, 0);
    CHECK_NEAR(m[0], (8 + 4) / 2.0, 0);
    CHECK(has[0] && !has[1] && has[2]);
    CHECK_NEAR(x[2], 0, 0);
    CHECK_NEAR(T[2], 0, 0);
    CHECK(ck_bgnbd_summarise(cust, day, NULL, 7, 2, 30, 1.0, x, t_x, T, NULL, NULL, &err) ==
          CK_EINVAL);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--reference") == 0)
        return compare_reference_file(argv[2]);
    RUN(test_bgnbd__reference_values);
    RUN(test_bgnbd__cdnow_summary);
    RUN(test_bgnbd__cdnow_rebuilt);
    RUN(test_bgnbd__gradient);
    RUN(test_bgnbd__boundary);
    RUN(test_bgnbd__same_dropout);
    RUN(test_bgnbd__recovery);
    RUN(test_bgnbd__grouping);
    RUN(test_bgnbd__score_batch);
    RUN(test_bgnbd__clv_identity);
    RUN(test_bgnbd__bad_input);
    RUN(test_bgnbd__summarise);
    return check_summary();
}
