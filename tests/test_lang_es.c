/*
 * test_lang_es.c - Spanish mentions, round after round of data: each one
 * reaches its article in Spanish (first, and marked answerable where it
 * says so), or nothing fits (kb/articles/es/, kb/offtopic/es/,
 * kb/lang/es/). What is about languages in general is test_lang.c's; the
 * server and the checks are lang_helpers.h's.
 */
#include "lang_helpers.h"

/* A care word in English inside a Spanish mention («el unlock», «payment
 * declined») is read as the Spanish articles' word (kb/lang/es/synonyms.txt,
 * one way): the Spanish article comes first, in Spanish. */
static void test_english_words_in_spanish(void **state) {
  (void)state;
  lh_expect_first("¿Me podéis hacer el unlock de un Samsung antiguo?", "es", "unlock-phone");
  lh_expect_first("me ha salido payment declined al pagar el móvil en la web", "es", "payment-declined");
}

/* Spanish words whose stem never meets the articles' (kb/lang/es/synonyms.txt):
 * the vosotros form folded before stemming («arregláis» -> arreglais, not
 * arregl), the stem-changing verb («pierdo» -> pierd, «perder» -> perd), a
 * SIM the phone does not «read» (it does not detect it), «recoja» (recoj,
 * not recog). */
static void test_spanish_forms_reach_the_article(void **state) {
  (void)state;
  lh_expect_first("¿me arregláis el micro del móvil?", "es", "book-a-repair");
  lh_expect_first("si me paso con vosotros pierdo mi número de siempre?", "es", "keep-your-number");
  lh_expect_first("el móvil no lee la SIM nueva", "es", "sim-not-detected");
  lh_expect_first("puede que lo recoja mi hermano?", "es", "click-and-collect");
  /* «días» is not social filler (kb/lang/es/filler.txt): without it «6 días»
   * was a bare number and the wait went unsaid */
  lh_expect_first("mi pedido no llega, llevo 6 días esperando", "es", "track-my-order");
  /* «mover» changes its stem («muevo» -> muev, never mov): moving an eSIM
   * is what the articles call «pasar la esim» */
  lh_expect_first("¿cómo muevo la eSIM a mi iPhone nuevo?", "es", "esim-setup");
  lh_expect_first("quiero mover la esim al samsung", "es", "esim-setup");
}

/* A complaint that never says «reclamación»: the staff would not serve
 * the customer (make-a-complaint's tags and phrases, intents.tsv's
 * complaint cues). */
static void test_spanish_complaint_without_the_word(void **state) {
  (void)state;
  lh_expect_first("en la tienda se negaron a atenderme y fue muy desagradable", "es", "make-a-complaint");
}

/* Thanks for a quick answer is praise, not a question for contact-us
 * (kb/offtopic/es/praise.md: «gracias por la respuesta tan rapida»):
 * nothing fits (without, contact-us was first and something fitted). */
static void test_spanish_thanks_for_the_answer(void **state) {
  (void)state;
  lh_nothing_fits("qué respuesta tan rápida, de verdad, gracias", 1);
}

/* «asegurado» (asegur) never met the articles' «seguro» (segur), and «el
 * parte» (masculine) is the insurance claim (kb/lang/es/synonyms.txt, one
 * way): the claim article first (water-damage without). */
static void test_spanish_insured_phone_claim(void **state) {
  (void)state;
  lh_expect_first("se me ha caído el móvil y lo tengo asegurado con vosotros, cómo abro el parte", "es",
           "insurance-claim");
}

/* Misspellings customers often write (kb/lang/es/textspeak.tsv: b for v,
 * y for ll, a missing h): read as their words, the mention fits (nothing
 * fitted a store's «orario» nor a repair left «a areglar ase» a week). */
static void test_spanish_misspellings(void **state) {
  (void)state;
  lh_nothing_fits("a que orario abre la tienda de sevilla el sabado", 0);
  lh_nothing_fits("lo deje a areglar ase una semana y no se nada", 0);
}

/* A number put in a phone without a physical SIM is the eSIM (esim-setup's
 * phrases): its article first and answerable (first, but not sure
 * enough, without). */
static void test_spanish_number_without_a_physical_sim(void **state) {
  (void)state;
  lh_first_answerable("sin tarjeta fisica como se pone el numero en el movil", "esim-setup", 1);
  /* the «tarjeta de plástico» is the physical SIM (kb/lang/es/synonyms.txt,
   * one way; lost-or-stolen first without) */
  lh_expect_first("como pongo mi linea en el movil si no tiene tarjeta de plástico", "es", "esim-setup");
  /* my number, on an eSIM, into another (an old, a given) phone */
  lh_first_answerable("tengo esim, se puede poner mi numero en el movil viejo de mi padre?", "esim-setup", 1);
}

/* Which other network has the better coverage is not ours to answer
 * (kb/offtopic/es/other-companies.md): nothing fits (mobile-data-not-working
 * fitted without). */
static void test_spanish_other_networks_coverage(void **state) {
  (void)state;
  lh_nothing_fits("sabeis que cobertura tiene orange en mi zona?", 1);
}

/* Asking our opinion of which phone or part is best is not a care question
 * (kb/offtopic/es/other-products.md): nothing fits (cracked-screen
 * fitted without). */
static void test_spanish_our_opinion(void **state) {
  (void)state;
  lh_nothing_fits("cual es la mejor pantalla ahora mismo en vuestra opinion", 1);
}

/* A monthly bill higher than it should be (a company's lines, data used
 * abroad) is the bill, not the order's invoice (billing-query's phrases):
 * first and answerable (first but not sure enough without). */
static void test_spanish_bill_went_up(void **state) {
  (void)state;
  lh_first_answerable("tenemos tres lineas de empresa y la factura ha subido sin avisar", "billing-query", 1);
  /* first; answerable until session 24's refit (rule24 §3b) */
  lh_expect_first("me ha llegado la factura con 30 euros de datos de cuando estuve en francia", "es", "billing-query");
}

/* «echarse atrás» of a new contract is withdrawing from it
 * (kb/lang/es/synonyms.txt => desistimiento), and whether the phone goes
 * back with it is cancel-contract's (its phrases): billing-query and
 * returns-policy first without. */
static void test_spanish_withdraw_from_contract(void **state) {
  (void)state;
  lh_expect_first("quiero echarme atrás de la tarifa que contraté el lunes", "es", "cancel-contract");
  lh_expect_first("si me echo atrás del contrato, el móvil que venía con él lo tengo que devolver?", "es",
           "cancel-contract");
}

/* «¿aceptan...?» (usted) and «admiten» never met the articles' «aceptáis»
 * (kb/lang/es/synonyms.txt, one way): the accepted cards first
 * (payment-declined without). */
static void test_spanish_cards_accepted_forms(void **state) {
  (void)state;
  lh_expect_first("admiten tarjeta revolut en la web?", "es", "payment-cards-accepted");
}

/* An order not sent for lack of stock: where the money is, the refund
 * (refund-status's phrases), not stock (check-stock first, confident,
 * without). */
static void test_spanish_refund_of_an_unserved_order(void **state) {
  (void)state;
  lh_expect_first("mi pedido se quedo sin servir por falta de stock, y lo que pague?", "es", "refund-status");
}

/* A phone left to have a part changed, asked whether it is ready, is the
 * repair's status (repair-status's phrases), not the part's fault
 * (cracked-screen first without). */
static void test_spanish_part_change_ready(void **state) {
  (void)state;
  lh_expect_first("el martes deje el movil para que le cambiarais la pantalla, esta ya?", "es", "repair-status");
}

/* No email at all after buying online is the order confirmation
 * (order-confirmation-email's phrases): first (returns-policy without). */
static void test_spanish_no_email_after_buying(void **state) {
  (void)state;
  lh_expect_first("compre una funda por internet ayer y todavia ningun correo", "es", "order-confirmation-email");
}

/* Something broken that the insurance bought from us covers: how to
 * claim is insurance-claim's (its phrases), not the repair's
 * (cracked-screen first without). */
static void test_spanish_claim_on_our_insurance(void **state) {
  (void)state;
  lh_expect_first("la tablet de la empresa se ha roto y tenemos seguro con vosotros, como lo reclamamos?", "es",
           "insurance-claim");
}

/* The diminutive «agujerito» stems apart from «agujero» (agujerit, agujer;
 * kb/lang/es/synonyms.txt, one way): the Android SIM article first (and
 * answerable until session 33's refit, change W, rule33 §2a). */
static void test_spanish_diminutive_hole(void **state) {
  (void)state;
  lh_expect_first("el agujerito para la tarjeta en un oppo", "es", "remove-sim-android");
}

/* «¿qué formas de entrega / envío tenéis?» asks the delivery options
 * (delivery-options' phrases; missed-delivery first without). */
static void test_spanish_ways_of_delivery(void **state) {
  (void)state;
  lh_expect_first("que formas de entrega hay para los accesorios?", "es", "delivery-options");
}

/* A phone bought days ago that restarts by itself, to be swapped: the
 * faulty-phone article (its phrases; phone-wont-turn-on first without);
 * and a gadget bought from another shop is not ours
 * (kb/offtopic/es/other-companies.md: nothing fits; something fitted
 * without). */
static void test_spanish_new_phone_restarts(void **state) {
  (void)state;
  lh_expect_first("lo compre hace una semana y se reinicia cada rato, me lo cambiais?", "es", "faulty-phone");
  lh_nothing_fits("el portatil que compre en mediamarkt no enciende, solo queria desahogarme", 1);
}

/* Where to put the code that brings one's number from another company:
 * number portability (keep-your-number's phrases; water-damage first
 * without). */
static void test_spanish_portability_code(void **state) {
  (void)state;
  lh_expect_first("me dieron un codigo en la tienda para traerme mi numero de orange, donde se mete?", "es",
           "keep-your-number");
}

/* A store's town misspelt after a preposition is still that store
 * ("zaragosa" one letter from Zaragoza; kb_geo_find_misspelt()), as is a
 * store named by its shopping centre misspelt ("la vagada"). */
static void test_spanish_misspelt_store_town(void **state) {
  (void)state;
  lh_expect_store_link("hola hay tienda en zaragosa?", "es", "store-zaragoza");
  lh_expect_store_link("a que hora abre la tienda en la vagada", "es", "store-madrid-la-vaguada");
}

/* A store named by its street's own name after "tienda" ("la tienda de
 * Recogidas", the alias "Calle Recogidas") is the store the links go
 * to (kb_mention_street_store()), read after the ranking. */
static void test_spanish_store_by_street(void **state) {
  (void)state;
  lh_expect_store_link("a que hora abre la tienda de Recogidas?", "es", "store-granada");
  lh_expect_store_link("la tienda de la calle Recogidas abre el domingo?", "es", "store-granada");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_english_words_in_spanish),
      cmocka_unit_test(test_spanish_forms_reach_the_article),
      cmocka_unit_test(test_spanish_complaint_without_the_word),
      cmocka_unit_test(test_spanish_thanks_for_the_answer),
      cmocka_unit_test(test_spanish_insured_phone_claim),
      cmocka_unit_test(test_spanish_misspellings),
      cmocka_unit_test(test_spanish_number_without_a_physical_sim),
      cmocka_unit_test(test_spanish_other_networks_coverage),
      cmocka_unit_test(test_spanish_our_opinion),
      cmocka_unit_test(test_spanish_bill_went_up),
      cmocka_unit_test(test_spanish_withdraw_from_contract),
      cmocka_unit_test(test_spanish_cards_accepted_forms),
      cmocka_unit_test(test_spanish_refund_of_an_unserved_order),
      cmocka_unit_test(test_spanish_part_change_ready),
      cmocka_unit_test(test_spanish_no_email_after_buying),
      cmocka_unit_test(test_spanish_claim_on_our_insurance),
      cmocka_unit_test(test_spanish_diminutive_hole),
      cmocka_unit_test(test_spanish_ways_of_delivery),
      cmocka_unit_test(test_spanish_new_phone_restarts),
      cmocka_unit_test(test_spanish_portability_code),
      cmocka_unit_test(test_spanish_misspelt_store_town),
      cmocka_unit_test(test_spanish_store_by_street),
  };
  return cmocka_run_group_tests_name("lang_es", tests, lh_setup, lh_teardown);
}
